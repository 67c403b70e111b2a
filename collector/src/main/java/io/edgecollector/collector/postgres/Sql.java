package io.edgecollector.collector.postgres;

import java.sql.SQLException;

/** Tells kinds of database errors apart by SQLSTATE. */
final class Sql {
    private Sql() {
    }

    /**
     * A data error (class 22, data exception; class 23, integrity violation) is about the rows
     * themselves: retrying the same rows will not help. Everything else (connection lost,
     * server shutting down, lock timeout, missing privilege) is worth retrying.
     */
    static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /** The connection is gone or the server is away: reconnect (and re-check the schema) first. */
    static boolean isConnectionError(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57") || state.startsWith("53");
    }
}
