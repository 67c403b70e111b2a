package io.edgecollector.collector.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The load checkpoint of each raw file (table load_checkpoint): the byte offset up to which it
 * is loaded. It advances inside the transaction that loads the lines, so a crash never loses
 * or doubles a row.
 */
public final class Checkpoints {
    private static final String ADVANCE = """
            INSERT INTO load_checkpoint (raw_file, byte_offset, lines, updated_at) VALUES (?, ?, ?, now())
            ON CONFLICT (raw_file) DO UPDATE SET byte_offset = excluded.byte_offset,
                lines = load_checkpoint.lines + excluded.lines, updated_at = now()""";

    private Checkpoints() {
    }

    /** The checkpoint of a raw file: the byte offset up to which it is loaded (0 if never). */
    public static long of(Connection c, String rawFile) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT byte_offset FROM load_checkpoint WHERE raw_file = ?")) {
            p.setString(1, rawFile);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    /** Moves the file's checkpoint to toOffset, counting the lines; part of the caller's transaction. */
    static void advance(Connection c, String rawFile, long toOffset, long lines) throws SQLException {
        try (PreparedStatement p = c.prepareStatement(ADVANCE)) {
            p.setString(1, rawFile);
            p.setLong(2, toOffset);
            p.setLong(3, lines);
            p.executeUpdate();
        }
    }

    /** Sets a checkpoint row to offset (no lines counted); part of the caller's transaction. */
    static void set(Connection c, String rawFile, long offset) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("""
                INSERT INTO load_checkpoint (raw_file, byte_offset, lines, updated_at) VALUES (?, ?, 0, now())
                ON CONFLICT (raw_file) DO UPDATE SET byte_offset = excluded.byte_offset, updated_at = now()""")) {
            p.setString(1, rawFile);
            p.setLong(2, offset);
            p.executeUpdate();
        }
    }
}
