package io.edgecollector.collector.postgres;

import java.sql.SQLException;

/** Tells kinds of database errors apart by SQLSTATE. */
final class Sql {
    private Sql() {
    }

    /**
     * A data error (class 22, data exception; class 23, integrity violation) is about the rows
     * themselves: retrying the same rows will not help; the rows are set aside as rejections.
     */
    static boolean isDataError(SQLException e) {
        String state = e.getSQLState();
        return state != null && (state.startsWith("22") || state.startsWith("23"));
    }

    /**
     * Worth retrying with backoff: the connection or the server is away (08, 57, 53, 58, no
     * state), a lock or a conflict with another transaction (40 serialization failure and
     * deadlock, 55 lock not available), the database not there yet (3D000: prepare creates it).
     * Anything else (a statement the server does not understand, a missing privilege, a wrong
     * password) does not heal by waiting: it is fatal, and the daemon stops saying why.
     */
    static boolean isRetriable(SQLException e) {
        if (isConnectionError(e)) {
            return true;
        }
        String state = e.getSQLState();
        return state.startsWith("40") || state.startsWith("55") || state.startsWith("58");
    }

    /**
     * Whether a failure met while loading is worth retrying: a retriable SQL state anywhere in
     * its causes (Flyway wraps the driver's errors), or an I/O error reading the raw files.
     * Anything else is a bug or a refusal (SchemaTooNewException) and stops the daemon.
     */
    static boolean isRetriable(Throwable failure) {
        if (failure instanceof SchemaTooNewException) {
            return false;
        }
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof SQLException sql) {
                return isRetriable(sql);
            }
            if (t instanceof java.io.IOException) {
                return true;
            }
        }
        return false;
    }

    /** The connection is gone or the server is away: reconnect (and re-check the schema) first. */
    static boolean isConnectionError(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57") || state.startsWith("53")
                || state.equals("3D000");
    }
}
