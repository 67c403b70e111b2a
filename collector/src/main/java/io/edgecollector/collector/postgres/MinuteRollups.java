package io.edgecollector.collector.postgres;

import io.edgecollector.collector.parse.Quality;
import io.edgecollector.collector.parse.Reading;
import java.time.Instant;
import java.time.ZoneId;
import java.time.zone.ZoneRules;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The measurements_1min rows of a batch whose readings all became new rows, computed in the
 * JVM instead of by an aggregate over measurements: an import's loader then COPYs them (a bulk
 * insert, as for its readings) where {@code INSERT ... SELECT ... GROUP BY ... ON CONFLICT}
 * cost PostgreSQL about 9 s of CPU per 1,000,000 one-a-minute readings on this machine, most
 * of the import's time.
 *
 * <p>The rows are what the live path's statement gives for the same rows: grouped by sensor,
 * metric and {@code date_trunc('minute', ts)}, readings without a value or flagged
 * missing_value left out, count/min/max/sum/valid_count with PostgreSQL's float8 min, max
 * (NaN largest, ties to the later value) and sum (added in the batch's order, the order in
 * which the live path's INSERT returns them). {@link #of} gives null when it cannot promise
 * that (a timestamp finer than PostgreSQL's microseconds, whose rounding might cross a minute;
 * a session time zone offset that is not whole minutes, where date_trunc differs from UTC
 * minutes; a sum that overflows, where PostgreSQL would refuse the batch): that batch then
 * takes the live path.
 */
final class MinuteRollups {
    private record Key(String sensorId, String metric, long minute) {
    }

    private static final class Row {
        long count;
        double min;
        double max;
        double sum;
        long validCount;
    }

    private MinuteRollups() {
    }

    /** The batch's 1-minute rows, or null when it must be rolled up in SQL (see the class comment). */
    static Collection<Map.Entry<Key, Row>> of(List<Reading> readings) {
        // pgjdbc sets the session's TimeZone to the JVM's, and date_trunc truncates in it
        ZoneRules zone = ZoneId.systemDefault().getRules();
        boolean fixedWholeMinutes = zone.isFixedOffset() && zone.getOffset(Instant.EPOCH).getTotalSeconds() % 60 == 0;
        Map<Key, Row> rows = new LinkedHashMap<>();
        for (Reading r : readings) {
            Instant ts = r.ts();
            if (ts.getNano() % 1_000 != 0
                    || !fixedWholeMinutes && zone.getOffset(ts).getTotalSeconds() % 60 != 0) {
                return null;
            }
            if (r.value() == null || r.quality() == Quality.MISSING_VALUE) {
                continue;
            }
            double v = r.value();
            Row row = rows.computeIfAbsent(new Key(r.sensorId(), r.metric(), Math.floorDiv(ts.getEpochSecond(), 60L)),
                    k -> new Row());
            if (row.count == 0) {
                row.min = v;
                row.max = v;
                row.sum = v;
            } else {
                row.min = lessThan(row.min, v) ? row.min : v;
                row.max = lessThan(v, row.max) ? row.max : v;
                row.sum += v;
            }
            row.count++;
            if (r.quality() == Quality.VALID) {
                row.validCount++;
            }
        }
        for (Row row : rows.values()) {
            if (Double.isInfinite(row.sum) && Double.isFinite(row.min) && Double.isFinite(row.max)) {
                return null; // PostgreSQL: "value out of range: overflow"
            }
        }
        return rows.entrySet();
    }

    /** float8 order: NaN above everything, -0 equal to 0. */
    private static boolean lessThan(double a, double b) {
        if (Double.isNaN(a)) {
            return false;
        }
        return Double.isNaN(b) || a < b;
    }

    /** Binary COPY rows of (sensor_id, metric, minute, count, min, max, sum, valid_count). */
    static byte[] encode(Collection<Map.Entry<Key, Row>> rows) {
        CopyBinary.Rows out = new CopyBinary.Rows(rows.size() * 100);
        for (Map.Entry<Key, Row> e : rows) {
            Key k = e.getKey();
            Row r = e.getValue();
            out.fields(8);
            out.text(k.sensorId());
            out.text(k.metric());
            out.timestamptz(Instant.ofEpochSecond(k.minute() * 60L));
            out.bigint(r.count);
            out.float8(r.min);
            out.float8(r.max);
            out.float8(r.sum);
            out.bigint(r.validCount);
        }
        return out.end();
    }
}
