package io.edgecollector.collector.web;

import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the dashboard's reads. Once the database cannot be reached it is reported unavailable
 * for {@link #BACKOFF_MILLIS} without asking again: every refresh would otherwise wait out the
 * pool's connection timeout. A query the server answered with an error (a schema not migrated
 * yet, a statement cut by its timeout) is asked again next time.
 */
final class Reads {
    private static final Logger LOG = LoggerFactory.getLogger(Reads.class);
    private static final long BACKOFF_MILLIS = 5_000;

    interface Read<T> {
        T read() throws SQLException;
    }

    private volatile long unavailableUntil;
    private volatile String unavailableCause = "";

    /** @throws SQLException with the root cause's message (the pool's "request timed out" hides why) */
    <T> T run(Read<T> read) throws SQLException {
        long until = unavailableUntil;
        if (until != 0 && System.currentTimeMillis() < until) {
            throw new SQLException(unavailableCause);
        }
        try {
            T result = read.read();
            unavailableUntil = 0;
            return result;
        } catch (SQLException e) {
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            if (!unreachable(e)) {
                LOG.warn("event=dashboard_read_failed cause=\"{}\"", root.getMessage());
                throw new SQLException(root.getMessage(), e);
            }
            if (until == 0) {
                LOG.warn("event=dashboard_database_unavailable cause=\"{}\"", root.getMessage());
            }
            unavailableCause = root.getMessage();
            unavailableUntil = System.currentTimeMillis() + BACKOFF_MILLIS;
            throw new SQLException(unavailableCause, e);
        }
    }

    /** No connection (refused, timed out, broken): SQL state class 08, or the pool's timeout. */
    private static boolean unreachable(SQLException e) {
        return e instanceof SQLTransientConnectionException || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
    }
}
