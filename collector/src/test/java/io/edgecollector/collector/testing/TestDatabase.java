package io.edgecollector.collector.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A database of the test's own on a PostgreSQL server (the shared one by default), created on
 * demand by the collector and dropped on close, so tests never see each other's rows.
 */
public final class TestDatabase implements AutoCloseable {
    public static final String SHARED_SERVER = "jdbc:postgresql://127.0.0.1:5432/";

    private final String server;
    private final String name;

    public TestDatabase(String server) {
        this.server = server;
        this.name = "iot_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static TestDatabase onSharedServer() {
        return new TestDatabase(SHARED_SERVER);
    }

    public String url() {
        return server + name;
    }

    public String name() {
        return name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), "postgres", "");
    }

    public long count(String sql) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** count(sql), or -1 while the database or its tables do not exist yet. */
    public long countOrMinusOne(String sql) {
        try {
            return count(sql);
        } catch (SQLException e) {
            return -1;
        }
    }

    @Override
    public void close() throws SQLException {
        try (Connection c = DriverManager.getConnection(server + "postgres", "postgres", "");
             Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        }
    }
}
