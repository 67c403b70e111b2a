package io.edgecollector.collector.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgecollector.collector.parse.Quality;
import io.edgecollector.collector.parse.Reading;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.Test;

/** An import's 1-minute rows computed in the JVM, for binary COPY: what the live path's GROUP BY gives. */
class MinuteRollupsTest {
    private static Reading reading(String metric, String ts, Double value, Quality quality) {
        Instant t = Instant.parse(ts);
        return new Reading("s1", metric, t, value, null, null, null, "import/x.csv", t, quality);
    }

    /** The binary COPY rows, read back as lines of tab-separated fields (CopyBinaryIT checks the bytes against the server). */
    private static String rows(List<Reading> readings) {
        ByteBuffer in = ByteBuffer.wrap(MinuteRollups.encode(MinuteRollups.of(readings)));
        in.position(19); // signature, flags, header extension
        StringBuilder sb = new StringBuilder();
        for (short fields = in.getShort(); fields != -1; fields = in.getShort()) {
            assertEquals(8, fields);
            sb.append(text(in)).append('\t').append(text(in)).append('\t');
            assertEquals(8, in.getInt());
            sb.append(Instant.ofEpochSecond(946_684_800L).plus(in.getLong(), ChronoUnit.MICROS)).append('\t');
            assertEquals(8, in.getInt());
            sb.append(in.getLong());
            for (int i = 0; i < 3; i++) {
                assertEquals(8, in.getInt());
                sb.append('\t').append(in.getDouble());
            }
            assertEquals(8, in.getInt());
            sb.append('\t').append(in.getLong()).append('\n');
        }
        assertEquals(0, in.remaining());
        return sb.toString();
    }

    private static String text(ByteBuffer in) {
        byte[] b = new byte[in.getInt()];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void groupsBySensorMetricAndMinute_leavingOutMissingValues_countingTheValidOnes() {
        String text = rows(List.of(
                reading("t", "2024-01-01T00:00:10Z", 2.0, Quality.VALID),
                reading("t", "2024-01-01T00:00:50.5Z", 5.5, Quality.OUT_OF_RANGE),
                reading("h", "2024-01-01T00:00:20Z", 40.0, Quality.VALID),
                reading("t", "2024-01-01T00:00:30Z", null, Quality.MISSING_VALUE),
                reading("t", "2024-01-01T00:00:40Z", -200.0, Quality.MISSING_VALUE),
                reading("t", "2024-01-01T00:01:00Z", 1.0, Quality.VALID)));
        assertEquals("""
                s1\tt\t2024-01-01T00:00:00Z\t2\t2.0\t5.5\t7.5\t1
                s1\th\t2024-01-01T00:00:00Z\t1\t40.0\t40.0\t40.0\t1
                s1\tt\t2024-01-01T00:01:00Z\t1\t1.0\t1.0\t1.0\t1
                """, text);
    }

    @Test
    void minAndMax_followPostgresFloat8Order_nanAboveEverything() {
        String text = rows(List.of(
                reading("t", "2024-01-01T00:00:10Z", Double.NaN, Quality.VALID),
                reading("t", "2024-01-01T00:00:20Z", 3.0, Quality.VALID),
                reading("t", "2024-01-01T00:00:30Z", -1.0E300, Quality.VALID)));
        assertEquals("s1\tt\t2024-01-01T00:00:00Z\t3\t-1.0E300\tNaN\tNaN\t3\n", text);
    }

    @Test
    void minutesBeforeTheEpoch_truncateDownwards() {
        assertEquals("s1\tt\t1969-12-31T23:59:00Z\t1\t1.0\t1.0\t1.0\t1\n",
                rows(List.of(reading("t", "1969-12-31T23:59:59.999999Z", 1.0, Quality.VALID))));
    }

    @Test
    void whatOnlyPostgresCanRollUpExactly_isLeftToIt() {
        // a timestamp finer than a microsecond: PostgreSQL's rounding may move it to the next minute
        assertNull(MinuteRollups.of(List.of(reading("t", "2024-01-01T00:00:59.9999999Z", 1.0, Quality.VALID))));
        // a sum that overflows: PostgreSQL refuses it ("value out of range: overflow")
        assertNull(MinuteRollups.of(List.of(reading("t", "2024-01-01T00:00:01Z", Double.MAX_VALUE, Quality.VALID),
                reading("t", "2024-01-01T00:00:02Z", Double.MAX_VALUE, Quality.VALID))));
    }
}
