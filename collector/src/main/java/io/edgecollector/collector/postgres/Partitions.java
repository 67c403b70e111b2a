package io.edgecollector.collector.postgres;

import io.edgecollector.collector.parse.Reading;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The monthly partitions of measurements: made ahead of time for this month and the next, so
 * loading never waits on DDL at a month's start, and on demand for a batch's readings of
 * nearby months. Readings far from their receipt go to the default partition instead.
 */
final class Partitions {
    /** Months further than this from receipt go to the default partition instead of their own. */
    private static final int MONTHS_BACK = 13;
    private static final int MONTHS_AHEAD = 2;
    private static final String DUPLICATE_TABLE = "42P07";

    private final Set<YearMonth> known = new TreeSet<>();
    /**
     * The last month found known, as epoch seconds [from, until): a reading stamped and received
     * in it needs nothing, so the check per row is two comparisons (it was two ZonedDateTimes and
     * two YearMonths per row, on the loader thread, for the same answer all month long).
     */
    private long knownFrom = Long.MAX_VALUE;
    private long knownUntil = Long.MIN_VALUE;

    /** Creates the partitions of this month and the next before any reading needs them. */
    void ensureAhead(Connection c, Clock clock) throws SQLException {
        YearMonth now = YearMonth.now(clock.withZone(ZoneOffset.UTC));
        for (YearMonth month : List.of(now, now.plusMonths(1))) {
            if (!known.contains(month)) {
                create(c, month);
                known.add(month);
            }
        }
    }

    /** Creates (and commits) the partitions the readings need that are not known yet. */
    void ensureFor(Connection c, List<Reading> readings) throws SQLException {
        Set<YearMonth> needed = new TreeSet<>();
        for (Reading r : readings) {
            long ts = r.ts().getEpochSecond();
            long receivedAt = r.receivedAt().getEpochSecond();
            if (ts >= knownFrom && ts < knownUntil && receivedAt >= knownFrom && receivedAt < knownUntil) {
                continue;
            }
            YearMonth month = YearMonth.from(r.ts().atZone(ZoneOffset.UTC));
            YearMonth received = YearMonth.from(r.receivedAt().atZone(ZoneOffset.UTC));
            boolean near = !month.isBefore(received.minusMonths(MONTHS_BACK))
                    && !month.isAfter(received.plusMonths(MONTHS_AHEAD));
            if (!near) {
                continue;
            }
            if (!known.contains(month)) {
                needed.add(month);
            } else if (month.equals(received)) {
                knownFrom = start(month);
                knownUntil = start(month.plusMonths(1));
            }
        }
        if (needed.isEmpty()) {
            return;
        }
        for (YearMonth month : needed) {
            create(c, month);
            c.commit(); // each month alone: a retry's rollback in create must not undo the one before
            known.add(month);
        }
    }

    private static long start(YearMonth month) {
        return month.atDay(1).atStartOfDay(ZoneOffset.UTC).toEpochSecond();
    }

    /**
     * Creates the month's partition unless it exists. Two sessions asking at once are serialized
     * by the function's advisory lock, but the second one's catalog lookup after the lock can
     * still miss the table the first just committed (an advisory lock does not refresh it), and
     * its CREATE TABLE then fails: that transaction is rolled back (it held nothing else: this
     * comes first, and {@link #ensureFor} commits each month before the next) and the call made
     * again, which now finds the partition.
     */
    private static void create(Connection c, YearMonth month) throws SQLException {
        try {
            call(c, month);
        } catch (SQLException e) {
            if (!DUPLICATE_TABLE.equals(e.getSQLState())) {
                throw e;
            }
            if (!c.getAutoCommit()) {
                c.rollback();
            }
            call(c, month);
        }
    }

    private static void call(Connection c, YearMonth month) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("SELECT ensure_measurement_partition(?::date)")) {
            p.setString(1, month.atDay(1).toString());
            p.execute();
        }
    }
}
