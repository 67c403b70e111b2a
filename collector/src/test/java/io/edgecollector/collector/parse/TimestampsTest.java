package io.edgecollector.collector.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Instant parse(String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        return Timestamps.parse("ts", node);
    }

    @Test
    void epochUnits_areToldApartByMagnitude() throws Exception {
        Instant t = Instant.parse("2026-11-22T10:00:00Z");
        assertEquals(t, parse("1795341600"));
        assertEquals(t, parse("1795341600000"));
        assertEquals(t, parse("1795341600000000"));
        assertEquals(t, parse("1795341600000000000"));
        assertEquals(t.plusMillis(500), parse("1795341600.5"));
        assertEquals(t, parse("\"1795341600\""));
    }

    @Test
    void isoText_needsAnOffset() throws Exception {
        assertEquals(Instant.parse("2026-11-22T10:00:00Z"), parse("\"2026-11-22T10:00:00Z\""));
        assertEquals(Instant.parse("2026-11-22T09:00:00Z"), parse("\"2026-11-22T10:00:00+01:00\""));
        assertEquals(Instant.parse("2026-11-22T10:00:00.123Z"), parse("\"2026-11-22 10:00:00.123Z\""));
        assertEquals("ts '2026-11-22T10:00:00' has no zone offset (add Z or +hh:mm)",
                assertThrows(IllegalArgumentException.class, () -> parse("\"2026-11-22T10:00:00\"")).getMessage());
        assertEquals("ts 'yesterday' is not an ISO-8601 timestamp or epoch number",
                assertThrows(IllegalArgumentException.class, () -> parse("\"yesterday\"")).getMessage());
        assertEquals("ts must be ISO-8601 text or an epoch number, got a boolean",
                assertThrows(IllegalArgumentException.class, () -> parse("true")).getMessage());
    }

    @Test
    void hugeNumbers_areOutOfRange_notACrash() {
        assertThrows(IllegalArgumentException.class, () -> parse("1e300"));
        assertThrows(IllegalArgumentException.class, () -> parse("99999999999999999999999"));
    }

    /** The fast path gives what OffsetDateTime.parse gave for payload timestamps, and refuses what it refused. */
    @Test
    void isoText_fastPath_agreesWithOffsetDateTimeParse() {
        java.util.Random random = new java.util.Random(18);
        for (int i = 0; i < 50_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 250_000_000_000L), random.nextInt(1_000_000_000));
            String s = (i % 3 == 0 ? t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS) : t).toString();
            assertEquals(outcome(() -> java.time.OffsetDateTime.parse(s).toInstant()), outcome(() -> parseText(s)), s);
        }
        for (String s : new String[] {"2026-12-02T10:00:00.5Z", "2026-12-02 10:00:00Z", "2026-12-02t10:00:00z",
                "2026-02-31T10:00:00Z", "2026-12-02T24:00:00Z", "2026-12-02T10:00:60Z", "2026-12-02T10:00:00.Z",
                "0000-01-01T00:00:00Z", "2024-02-29T23:59:59.999999999Z", "2025-02-29T10:00:00Z"}) {
            String iso = s.charAt(10) == ' ' ? s.substring(0, 10) + 'T' + s.substring(11) : s;
            assertEquals(outcome(() -> java.time.OffsetDateTime.parse(iso).toInstant()), outcome(() -> parseText(s)), s);
        }
    }

    static Instant parseText(String s) {
        return Timestamps.parse("ts", com.fasterxml.jackson.databind.node.TextNode.valueOf(s));
    }

    static String outcome(java.util.function.Supplier<Instant> parse) {
        try {
            return parse.get().toString();
        } catch (RuntimeException e) {
            return "refused";
        }
    }

    /** The raw line's received_at: the same text as Instant.toString, for every precision and year. */
    @Test
    void format_writesWhatInstantToStringWrites() {
        Random random = new Random(3);
        for (int i = 0; i < 300_000; i++) {
            long seconds = switch (i % 4) {
                case 0 -> random.nextLong(-62_200_000_000L, 253_500_000_000L); // around years 0 and 9999 too
                case 1 -> random.nextLong(-62_167_219_200L, 253_402_300_800L); // 0000-01-01 .. 9999-12-31
                default -> 1_700_000_000L + random.nextInt(400_000_000); // these decades
            };
            int nanos = switch (i % 5) {
                case 0 -> 0;
                case 1 -> random.nextInt(1_000) * 1_000_000; // milliseconds
                case 2 -> random.nextInt(1_000_000) * 1_000; // microseconds, as intake stamps
                default -> random.nextInt(1_000_000_000);
            };
            Instant t = Instant.ofEpochSecond(seconds, nanos);
            assertEquals(t.toString(), Timestamps.format(t));
        }
        for (String s : new String[] {"0000-01-01T00:00:00Z", "0000-02-29T23:59:59.999999999Z", "9999-12-31T23:59:59.999999Z",
                "-0001-12-31T23:59:59Z", "+10000-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "1969-12-31T23:59:59.000001Z",
                "2024-02-29T12:00:00.100Z", "2026-12-02T10:00:00.086400Z"}) {
            Instant t = Instant.parse(s);
            assertEquals(t.toString(), Timestamps.format(t), s);
            assertEquals(s, Timestamps.format(t));
        }
        assertEquals(Instant.MIN.toString(), Timestamps.format(Instant.MIN));
        assertEquals(Instant.MAX.toString(), Timestamps.format(Instant.MAX));
    }
}
