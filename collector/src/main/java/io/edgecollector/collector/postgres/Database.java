package io.edgecollector.collector.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.Secret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL side: a small HikariCP pool, creating the database when it is missing, and
 * the versioned schema (sql/V*.sql, applied with Flyway). A database whose schema is newer
 * than this collector knows is refused.
 */
public final class Database implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);
    private static final Pattern URL = Pattern.compile("(jdbc:postgresql://[^/]*/)([^?]*)(\\?.*)?");
    private static final String INVALID_CATALOG = "3D000";

    private final CollectorConfig config;
    private HikariDataSource pool;

    public Database(CollectorConfig config) {
        this.config = config;
    }

    /** The connection pool (created on first use; connecting happens when a connection is asked for). */
    public synchronized DataSource pool() {
        if (pool == null) {
            HikariConfig h = new HikariConfig();
            h.setJdbcUrl(config.dbUrl());
            h.setUsername(config.dbUser());
            if (!config.dbPassword().isEmpty()) {
                h.setPassword(config.dbPassword().value());
            }
            h.setPoolName("collector-db");
            h.setMaximumPoolSize(3);
            h.setMinimumIdle(1);
            h.setConnectionTimeout(5_000);
            h.setInitializationFailTimeout(-1);
            h.addDataSourceProperty("ApplicationName", "edge-collector");
            h.addDataSourceProperty("tcpKeepAlive", "true");
            // every load makes sure of its session's stage table (CREATE TEMP TABLE IF NOT EXISTS);
            // its "already exists, skipping" notice became a SQLWarning with a stack trace each time
            h.setConnectionInitSql("SET client_min_messages = warning");
            pool = new HikariDataSource(h);
        }
        return pool;
    }

    /** Creates the configured database when the server says it does not exist. */
    public void createIfMissing() throws SQLException {
        try {
            connect(config.dbUrl()).close();
            return;
        } catch (SQLException e) {
            if (!INVALID_CATALOG.equals(e.getSQLState())) {
                throw e;
            }
        }
        Matcher m = URL.matcher(config.dbUrl());
        if (!m.matches() || m.group(2).isEmpty()) {
            throw new SQLException("cannot tell the database name from db.url " + Secret.maskUrl(config.dbUrl()));
        }
        String name = m.group(2);
        String maintenance = m.group(1) + "postgres" + (m.group(3) == null ? "" : m.group(3));
        try (Connection c = connect(maintenance); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
            LOG.info("event=database_created name={}", name);
        } catch (SQLException e) {
            if (!"42P04".equals(e.getSQLState())) {
                throw new SQLException("database " + name + " does not exist and cannot be created: " + e.getMessage(), e);
            }
        }
    }

    private Connection connect(String url) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", config.dbUser());
        if (!config.dbPassword().isEmpty()) {
            p.setProperty("password", config.dbPassword().value());
        }
        p.setProperty("connectTimeout", "5");
        return DriverManager.getConnection(url, p);
    }

    /**
     * Makes the database ready for loading, the same way for run, replay and db migrate:
     * creates it when missing, applies the schema, and syncs the sensor registry into it.
     * @return the schema version
     * @throws SchemaTooNewException when the schema is newer than this collector knows
     */
    public String prepare(io.edgecollector.collector.validate.SensorRegistry registry) throws SQLException {
        createIfMissing();
        String version = migrate();
        SensorSync.sync(pool(), registry);
        return version;
    }

    /**
     * Applies pending migrations; refuses a schema newer than this collector knows.
     * @return the schema version after migrating
     */
    public String migrate() {
        Flyway flyway = Flyway.configure(getClass().getClassLoader())
                .dataSource(pool())
                .locations("classpath:db/migration")
                .load();
        String known = "none";
        for (MigrationInfo mi : flyway.info().all()) {
            if (mi.getState() == MigrationState.FUTURE_SUCCESS || mi.getState() == MigrationState.FUTURE_FAILED) {
                throw new SchemaTooNewException("database schema version " + mi.getVersion()
                        + " is newer than this collector knows (" + latestKnown(flyway) + "); upgrade the collector");
            }
        }
        int applied = flyway.migrate().migrationsExecuted;
        known = latestKnown(flyway);
        if (applied > 0) {
            LOG.info("event=schema_migrated applied={} version={}", applied, known);
        }
        return known;
    }

    private static String latestKnown(Flyway flyway) {
        String latest = "none";
        for (MigrationInfo mi : flyway.info().all()) {
            if (mi.getVersion() != null && mi.getState() != MigrationState.FUTURE_SUCCESS
                    && mi.getState() != MigrationState.FUTURE_FAILED) {
                latest = mi.getVersion().getVersion();
            }
        }
        return latest;
    }

    @Override
    public synchronized void close() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }
}
