package io.edgecollector.collector.web;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.edgecollector.collector.config.CollectorConfig;

/**
 * The dashboard's own connections, apart from the loader's pool so the page can never take a
 * connection the loader waits for: two at most, read-only on the server side
 * (default_transaction_read_only, which holds for autocommit statements too, unlike the
 * driver's setReadOnly), every statement cut at {@link #STATEMENT_TIMEOUT_MS}, and a short wait
 * for a connection so a database that is away answers "unavailable" fast.
 */
final class ReadOnlyPool {
    /** The bench's slowest call was far below this; a query this slow is cut, not waited for. */
    static final int STATEMENT_TIMEOUT_MS = 2_000;

    private ReadOnlyPool() {
    }

    static HikariDataSource create(CollectorConfig config) {
        HikariConfig h = new HikariConfig();
        h.setJdbcUrl(config.dbUrl());
        boolean own = !config.dashboardDbUser().isEmpty();
        h.setUsername(own ? config.dashboardDbUser() : config.dbUser());
        var password = own ? config.dashboardDbPassword() : config.dbPassword();
        if (!password.isEmpty()) {
            h.setPassword(password.value());
        }
        h.setPoolName("dashboard-db");
        h.setMaximumPoolSize(2);
        h.setMinimumIdle(0);
        h.setConnectionTimeout(1_000);
        h.setValidationTimeout(500);
        h.setInitializationFailTimeout(-1);
        h.setReadOnly(true);
        h.addDataSourceProperty("ApplicationName", "edge-collector-dashboard");
        h.addDataSourceProperty("connectTimeout", "2");
        h.addDataSourceProperty("socketTimeout", "10");
        h.addDataSourceProperty("options", "-c default_transaction_read_only=on -c statement_timeout="
                + STATEMENT_TIMEOUT_MS + " -c lock_timeout=500");
        return new HikariDataSource(h);
    }
}
