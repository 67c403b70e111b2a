package io.edgecollector.collector.postgres;

import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.Quality;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.postgresql.PGConnection;

/**
 * Loads one batch in one transaction: readings by COPY into a session-local stage table, then
 * INSERT ... ON CONFLICT DO NOTHING into measurements (duplicates absorbed) while the rows that
 * really landed feed measurements_1min; rejections (one the broker redelivered after a
 * reconnect is skipped when the same topic and payload are on record); and the raw file's
 * checkpoint ({@link Checkpoints}). Either all of it commits or none, so a crash never loses
 * or doubles a row. Partitions a batch needs are made first ({@link Partitions}).
 */
public final class LoadTransaction {
    private static final String STAGE = """
            CREATE TEMP TABLE IF NOT EXISTS stage_measurements
            (LIKE measurements INCLUDING DEFAULTS) ON COMMIT DELETE ROWS""";
    private static final String COPY = "COPY stage_measurements (sensor_id, metric, ts, value, unit, quality, topic, received_at) "
            + "FROM STDIN (FORMAT binary)";
    private static final String COPY_DIRECT = "COPY measurements (sensor_id, metric, ts, value, unit, quality, topic, received_at) "
            + "FROM STDIN (FORMAT binary)";
    private static final String UNIQUE_VIOLATION = "23505";
    /**
     * How a minute already in measurements_1min (alias m) takes more readings: the one rule of
     * every path that fills it (live batches, an import's chunks, an import's final rollup).
     */
    static final String ADD_TO_MINUTE = """
            ON CONFLICT (sensor_id, metric, minute) DO UPDATE SET
                count = m.count + excluded.count,
                min = least(m.min, excluded.min),
                max = greatest(m.max, excluded.max),
                sum = m.sum + excluded.sum,
                valid_count = m.valid_count + excluded.valid_count
            """;
    private static final String MERGE = """
            WITH inserted AS (
                INSERT INTO measurements SELECT * FROM stage_measurements
                ON CONFLICT DO NOTHING
                RETURNING sensor_id, metric, ts, value, quality
            ), resampled AS (
                INSERT INTO measurements_1min AS m (sensor_id, metric, minute, count, min, max, sum, valid_count)
                SELECT sensor_id, metric, date_trunc('minute', ts), count(*), min(value), max(value), sum(value),
                       count(*) FILTER (WHERE quality = 'valid')
                FROM inserted
                WHERE value IS NOT NULL AND quality <> 'missing_value'
                GROUP BY sensor_id, metric, date_trunc('minute', ts)
            """ + ADD_TO_MINUTE + """
                RETURNING 1
            )
            SELECT (SELECT count(*) FROM inserted), (SELECT count(*) FROM resampled)""";
    private static final String REJECT = """
            INSERT INTO rejected_messages (received_at, topic, payload, reason, raw_file, raw_offset, redelivered)
            SELECT ?, ?, ?, ?, ?, ?, ?
            WHERE NOT (?::boolean AND EXISTS (SELECT 1 FROM rejected_messages r
                                              WHERE md5(r.topic || r.payload) = md5(?::text || ?::text)
                                                AND r.topic = ? AND r.payload = ?))
            ON CONFLICT (raw_file, raw_offset) DO NOTHING""";

    /** {@link Mode#IMPORT_DEFERRED}'s load: measurements only, its rollups filled once at the end ({@link ImportRollup}). */
    private static final String INSERT_ONLY = "INSERT INTO measurements SELECT * FROM stage_measurements ON CONFLICT DO NOTHING";
    private static final String COPY_1MIN = "COPY measurements_1min (sensor_id, metric, minute, count, min, max, sum, valid_count) "
            + "FROM STDIN (FORMAT binary)";
    private static final String COPY_STAGE_1MIN = "COPY stage_1min (sensor_id, metric, minute, count, min, max, sum, valid_count) "
            + "FROM STDIN (FORMAT binary)";
    private static final String STAGE_1MIN = """
            CREATE TEMP TABLE IF NOT EXISTS stage_1min
            (LIKE measurements_1min) ON COMMIT DELETE ROWS""";
    private static final String MERGE_1MIN = """
            INSERT INTO measurements_1min AS m (sensor_id, metric, minute, count, min, max, sum, valid_count)
            SELECT sensor_id, metric, minute, count, min, max, sum, valid_count FROM stage_1min
            """ + ADD_TO_MINUTE;

    /** How a load fills measurements_1min. */
    public enum Mode {
        /** The live path: rollups in SQL from the rows each batch really inserted, commits waiting for the disk. */
        LIVE,
        /**
         * A history import's load: a batch whose readings are all new (COPY straight into
         * measurements succeeded) has its 1-minute rows computed in the JVM ({@link MinuteRollups})
         * and COPYed, in the same transaction; any other batch goes the live way.
         */
        IMPORT,
        /**
         * An import begun by the previous version, whose rollups are filled once at its end
         * ({@link ImportRollup#finish}): measurements only.
         */
        IMPORT_DEFERRED
    }

    private final Partitions partitions = new Partitions();
    private final Mode mode;
    private final CommitOrder order;

    /** The live path's load: rollups with every batch, commits waiting for the disk. */
    public LoadTransaction() {
        this(Mode.LIVE);
    }

    /**
     * An import's transactions (either import mode) also commit without waiting for
     * PostgreSQL's WAL flush (synchronous_commit off for the transaction): a server crash can
     * then lose the last few commits, but each whole, rows, rollups and checkpoint together, so
     * loading resumes from the checkpoint the database kept and the fsynced raw file still holds
     * those lines; the import ends with a synchronous commit (flushing all before it) before it
     * is reported done.
     */
    public LoadTransaction(Mode mode) {
        this(mode, CommitOrder.ALONE);
    }

    /**
     * As above, one of several connections loading consecutive parts of one file, committing in
     * the file's order ({@link CommitOrder}).
     */
    public LoadTransaction(Mode mode, CommitOrder order) {
        this.mode = mode;
        this.order = order;
    }

    /** Loads the batch; returns how many readings were new rows. */
    public int load(Connection c, LoadBatch batch) throws SQLException {
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            while (true) {
                order.begin(c, batch.fromOffset());
                try {
                    int inserted = write(c, batch, order);
                    c.commit();
                    order.committed(batch.fromOffset(), batch.toOffset());
                    return inserted;
                } catch (SQLException e) {
                    c.rollback();
                    if (!order.redoAfterTurn(e)) {
                        throw e;
                    }
                } catch (RuntimeException e) {
                    c.rollback();
                    throw e;
                } finally {
                    order.end();
                }
                // it gave way to the part before (or PostgreSQL broke a deadlock): again, holding nothing, once that is committed
                order.awaitCommitted(batch.fromOffset());
            }
        } finally {
            c.setAutoCommit(auto);
        }
    }

    /**
     * Loads one reading of this month exactly as {@link #load} would, then rolls it all back: the
     * first real load then finds the server's caches for the partition, its indexes and the
     * 1-minute table warm instead of paying for them (hundreds of milliseconds on a cold
     * connection, which showed as the first seconds' latency). Leaves no row behind.
     */
    public void warmUp(Connection c) throws SQLException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Reading reading = new Reading("warm-up", "warm-up", now, 0.0, null, null, null, "warm-up", now, Quality.VALID);
        boolean auto = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            write(c, new LoadBatch("warm-up", 0, 0, 1, List.of(reading), List.of()), CommitOrder.ALONE);
        } finally {
            c.rollback();
            c.setAutoCommit(auto);
        }
    }

    /**
     * Everything of a load but its commit: partitions, readings, rejections, checkpoint. All but
     * the readings COPYed straight into measurements waits for the batch's turn in the order.
     */
    private int write(Connection c, LoadBatch batch, CommitOrder order) throws SQLException {
        partitions.ensureFor(c, batch.readings()); // commits when it creates a partition: before SET LOCAL
        if (mode != Mode.LIVE) {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit = off");
            }
        }
        int inserted = batch.readings().isEmpty() ? 0 : loadReadings(c, batch, order);
        order.awaitTurn(c, batch.fromOffset());
        loadRejections(c, batch);
        Checkpoints.advance(c, batch.rawFile(), batch.toOffset(), batch.lines());
        return inserted;
    }

    /** Creates the partitions of this month and the next before any reading needs them. */
    public void ensurePartitionsAhead(Connection c, java.time.Clock clock) throws SQLException {
        partitions.ensureAhead(c, clock);
    }

    private int loadReadings(Connection c, LoadBatch batch, CommitOrder order) throws SQLException {
        byte[] rows = CopyBinary.readings(batch.readings());
        var minutes = mode == Mode.IMPORT ? MinuteRollups.of(batch.readings()) : null;
        if (mode == Mode.IMPORT_DEFERRED || minutes != null) {
            // History seldom overlaps what is stored: COPY straight into measurements (no stage
            // table, no per-row conflict check); a key already there (or twice in the batch)
            // fails it, and the batch goes the usual way, duplicates absorbed.
            Savepoint before = c.setSavepoint();
            try {
                copyIn(c, COPY_DIRECT, rows);
                c.releaseSavepoint(before);
                order.awaitTurn(c, batch.fromOffset()); // the part before may end inside one of these minutes
                if (minutes != null) {
                    copyMinutes(c, MinuteRollups.encode(minutes));
                }
                return batch.readings().size();
            } catch (SQLException e) {
                if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                    throw e;
                }
                c.rollback(before);
            }
        }
        order.awaitTurn(c, batch.fromOffset());
        try (Statement s = c.createStatement()) {
            s.execute(STAGE);
        }
        copyIn(c, COPY, rows);
        if (mode == Mode.IMPORT_DEFERRED) {
            try (Statement s = c.createStatement()) {
                return s.executeUpdate(INSERT_ONLY);
            }
        }
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(MERGE)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * The batch's 1-minute rows: COPY straight into measurements_1min when none of its minutes
     * is stored yet (history a minute apart, the usual case); a minute already there (live data,
     * or the previous batch of the import ended inside it) fails it, and they are added through
     * a stage table with the live path's ON CONFLICT arithmetic.
     */
    private static void copyMinutes(Connection c, byte[] minutes) throws SQLException {
        Savepoint before = c.setSavepoint();
        try {
            copyIn(c, COPY_1MIN, minutes);
            c.releaseSavepoint(before);
            return;
        } catch (SQLException e) {
            if (!UNIQUE_VIOLATION.equals(e.getSQLState())) {
                throw e;
            }
            c.rollback(before);
        }
        try (Statement s = c.createStatement()) {
            s.execute(STAGE_1MIN);
        }
        copyIn(c, COPY_STAGE_1MIN, minutes);
        try (Statement s = c.createStatement()) {
            s.executeUpdate(MERGE_1MIN);
        }
    }

    private static void copyIn(Connection c, String copy, byte[] rows) throws SQLException {
        try {
            c.unwrap(PGConnection.class).getCopyAPI().copyIn(copy, new ByteArrayInputStream(rows));
        } catch (IOException e) {
            throw new SQLException("COPY failed: " + e.getMessage(), "08000", e);
        }
    }

    private static void loadRejections(Connection c, LoadBatch batch) throws SQLException {
        if (batch.rejections().isEmpty()) {
            return;
        }
        try (PreparedStatement p = c.prepareStatement(REJECT)) {
            for (LoadBatch.Rejection r : batch.rejections()) {
                String topic = CopyBinary.withoutNul(r.topic());
                String payload = CopyBinary.withoutNul(r.payload());
                p.setTimestamp(1, Timestamp.from(r.receivedAt()));
                p.setString(2, topic);
                p.setString(3, payload);
                p.setString(4, CopyBinary.withoutNul(r.reason()));
                p.setString(5, batch.rawFile());
                p.setLong(6, r.rawOffset());
                p.setBoolean(7, r.redelivered());
                p.setBoolean(8, r.redelivered());
                p.setString(9, topic);
                p.setString(10, payload);
                p.setString(11, topic);
                p.setString(12, payload);
                p.addBatch();
            }
            p.executeBatch();
        }
    }
}
