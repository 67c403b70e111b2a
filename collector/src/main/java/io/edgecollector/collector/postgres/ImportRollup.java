package io.edgecollector.collector.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/**
 * The 1-minute rollups of an import begun by the previous version, which filled them once at
 * its end instead of with every chunk (an import now rolls up each chunk in its own transaction,
 * computed in the JVM: {@link LoadTransaction.Mode#IMPORT}). Such an import cut short is
 * finished the way it began, so its rollups are counted once.
 *
 * <p>Its own new rows are the measurements rows with its topic and its received_at (every line
 * of an import carries the same received_at, kept across runs; a reading whose key was already
 * stored is not inserted and keeps its first topic and received_at), so the final statement
 * adds exactly the rows the per-chunk path would have added, with the same
 * {@code ON CONFLICT DO UPDATE} arithmetic.
 *
 * <p>Exactly once, across kill -9: the state is a row in load_checkpoint under
 * {@code <raw file>#1min}: {@link #PENDING} (byte_offset -1) while chunks load without
 * rollups, {@link #DONE} (byte_offset 0) once the rollup has committed, in the same transaction
 * as the rollup itself. An import cut short before the rollup is finished by running it again
 * (the rollup then covers the rows of both runs); one cut short after it finds DONE and adds
 * nothing. Imports made now never write the row.
 */
public final class ImportRollup {
    /** What load_checkpoint says of an import raw file's rollups. */
    public enum State { NONE, PENDING, DONE }

    private static final String SUFFIX = "#1min";
    private static final long PENDING_OFFSET = -1;
    private static final long DONE_OFFSET = 0;
    /**
     * For the final aggregate's sort: at 4 MB (the default) 1,000,000 rows spill 60 MB to disk.
     * The sort compares ids bytewise (COLLATE "C": the same groups as any deterministic
     * collation, a quarter less time than the database's C.UTF-8 here).
     */
    private static final String WORK_MEM = "128MB";
    private static final String ROLLUP = """
            INSERT INTO measurements_1min AS m (sensor_id, metric, minute, count, min, max, sum, valid_count)
            SELECT sensor_id COLLATE "C", metric COLLATE "C", date_trunc('minute', ts), count(*), min(value), max(value),
                   sum(value), count(*) FILTER (WHERE quality = 'valid')
            FROM measurements
            WHERE topic = ? AND received_at = ? AND ts >= ? AND ts < ?
              AND value IS NOT NULL AND quality <> 'missing_value'
            GROUP BY 1, 2, 3
            """ + LoadTransaction.ADD_TO_MINUTE;

    private ImportRollup() {
    }

    static String markName(String rawFile) {
        return rawFile + SUFFIX;
    }

    /** The rollup state of an import raw file. */
    public static State state(Connection c, String rawFile) throws SQLException {
        return state(c, rawFile, false);
    }

    private static State state(Connection c, String rawFile, boolean lock) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT byte_offset FROM load_checkpoint WHERE raw_file = ?"
                + (lock ? " FOR UPDATE" : ""))) {
            p.setString(1, markName(rawFile));
            try (ResultSet rs = p.executeQuery()) {
                if (!rs.next()) {
                    return State.NONE;
                }
                return rs.getLong(1) == PENDING_OFFSET ? State.PENDING : State.DONE;
            }
        }
    }

    /** Whether the import's rollups are pending: begun by the previous version, finished by {@link #finish}. */
    public static boolean pending(DataSource pool, String rawFile) throws SQLException {
        try (Connection c = pool.getConnection()) {
            return state(c, rawFile) == State.PENDING;
        }
    }

    /**
     * Makes every chunk of the import committed so far durable (they committed without waiting
     * for the WAL flush): touches its checkpoint row in a transaction that commits synchronously.
     */
    public static void makeDurable(DataSource pool, String rawFile) throws SQLException {
        try (Connection c = pool.getConnection();
             PreparedStatement p = c.prepareStatement("UPDATE load_checkpoint SET updated_at = now() WHERE raw_file = ?")) {
            p.setString(1, rawFile);
            p.executeUpdate();
        }
    }

    /**
     * Fills measurements_1min from the import's new rows with timestamps in [fromDay, toDay]
     * (UTC days) and marks the rollup DONE, in one transaction committed synchronously (which
     * also makes durable every chunk committed before it without waiting for the disk). Does
     * nothing when the rollup is already DONE. Returns the 1-minute rows written.
     */
    public static int finish(DataSource pool, String rawFile, String topic, Instant receivedAt, LocalDate fromDay,
                             LocalDate toDay) throws SQLException {
        try (Connection c = pool.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                if (state(c, rawFile, true) != State.PENDING) {
                    c.rollback();
                    return 0;
                }
                int rows = 0;
                if (fromDay != null) {
                    try (Statement s = c.createStatement()) {
                        s.execute("SET LOCAL work_mem = '" + WORK_MEM + "'"); // sorts the import's rows in memory
                    }
                    try (PreparedStatement p = c.prepareStatement(ROLLUP)) {
                        p.setString(1, topic);
                        p.setObject(2, OffsetDateTime.ofInstant(receivedAt, ZoneOffset.UTC));
                        p.setObject(3, fromDay.atStartOfDay().atOffset(ZoneOffset.UTC));
                        p.setObject(4, toDay.plusDays(1).atStartOfDay().atOffset(ZoneOffset.UTC));
                        rows = p.executeUpdate();
                    }
                }
                mark(c, rawFile, DONE_OFFSET);
                c.commit();
                return rows;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        }
    }

    private static void mark(Connection c, String rawFile, long offset) throws SQLException {
        Checkpoints.set(c, markName(rawFile), offset);
    }
}
