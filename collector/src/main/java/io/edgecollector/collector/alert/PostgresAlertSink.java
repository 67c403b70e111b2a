package io.edgecollector.collector.alert;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;

/**
 * Loads events into table alerts exactly once, like readings: the rows and the alert file's
 * checkpoint (in load_checkpoint, under the alert file's name) commit in one transaction, and
 * an event already stored (same event_id) is not stored again. Waits while the database is not
 * prepared (migrated) yet.
 */
final class PostgresAlertSink implements AlertSink {
    private static final String INSERT = """
            INSERT INTO alerts (event_id, rule, sensor_id, metric, state, value, limit_value, reading_ts, at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (event_id) DO NOTHING""";
    private static final String CHECKPOINT = """
            INSERT INTO load_checkpoint (raw_file, byte_offset, lines, updated_at) VALUES (?, ?, ?, now())
            ON CONFLICT (raw_file) DO UPDATE SET byte_offset = excluded.byte_offset,
                lines = load_checkpoint.lines + excluded.lines, updated_at = now()""";

    private final Supplier<DataSource> pool;
    private final BooleanSupplier ready;

    PostgresAlertSink(Supplier<DataSource> pool, BooleanSupplier ready) {
        this.pool = pool;
        this.ready = ready;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public long checkpoint(String alertFile) throws SQLException {
        awaitReady();
        try (Connection c = pool.get().getConnection();
             PreparedStatement p = c.prepareStatement("SELECT byte_offset FROM load_checkpoint WHERE raw_file = ?")) {
            p.setString(1, alertFile);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    @Override
    public void deliver(String alertFile, List<AlertEvent> events, long endOffset) throws SQLException {
        awaitReady();
        try (Connection c = pool.get().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(INSERT);
                 PreparedStatement checkpoint = c.prepareStatement(CHECKPOINT)) {
                for (AlertEvent e : events) {
                    insert.setObject(1, UUID.fromString(e.eventId()));
                    insert.setString(2, e.rule());
                    insert.setString(3, e.sensorId());
                    insert.setString(4, e.metric());
                    insert.setString(5, e.state());
                    setDouble(insert, 6, e.value());
                    setDouble(insert, 7, e.limit());
                    insert.setObject(8, e.readingTs() == null ? null : OffsetDateTime.ofInstant(e.readingTs(), ZoneOffset.UTC));
                    insert.setObject(9, OffsetDateTime.ofInstant(e.at(), ZoneOffset.UTC));
                    insert.addBatch();
                }
                insert.executeBatch();
                checkpoint.setString(1, alertFile);
                checkpoint.setLong(2, endOffset);
                checkpoint.setLong(3, events.size());
                checkpoint.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        }
    }

    private void awaitReady() throws SQLException {
        if (!ready.getAsBoolean()) {
            throw new SQLException("database not ready yet; alert rows wait in the alert log");
        }
    }

    private static void setDouble(PreparedStatement p, int i, Double v) throws SQLException {
        if (v == null) {
            p.setNull(i, Types.DOUBLE);
        } else {
            p.setDouble(i, v);
        }
    }
}
