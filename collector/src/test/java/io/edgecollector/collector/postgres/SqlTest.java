package io.edgecollector.collector.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;

class SqlTest {
    @Test
    void outagesLocksAndConflicts_areRetried() {
        for (String state : new String[] {"08001", "08006", "57P01", "53300", "40001", "40P01", "55P03", "58030", "3D000"}) {
            assertTrue(Sql.isRetriable(new SQLException("x", state)), state);
        }
        assertTrue(Sql.isRetriable(new SQLException("no state")));
        assertTrue(Sql.isRetriable((Throwable) new IOException("raw file unreadable")));
        assertTrue(Sql.isRetriable(new IllegalStateException("flyway", new SQLException("lost", "08006"))),
                "a driver error wrapped by Flyway is judged by its SQL state");
    }

    @Test
    void bugsRefusalsAndPrivileges_areFatal() {
        for (String state : new String[] {"42P01", "42501", "28P01", "XX000"}) {
            assertFalse(Sql.isRetriable(new SQLException("x", state)), state);
        }
        assertFalse(Sql.isRetriable(new NullPointerException()));
        assertFalse(Sql.isRetriable(new SchemaTooNewException("database schema version 99 is newer")));
    }
}
