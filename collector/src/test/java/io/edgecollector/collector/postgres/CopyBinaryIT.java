package io.edgecollector.collector.postgres;

import static io.edgecollector.collector.it.postgres.PostgresIT.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.parse.Quality;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.Timestamps;
import io.edgecollector.collector.testing.TestDatabase;
import java.io.ByteArrayInputStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * The binary COPY stores exactly what the COPY text the loader wrote before stored: the same
 * random rows (escapes, NUL, non-ASCII text, missing values, -0, extreme doubles, instants to the
 * nanosecond) loaded both ways into PostgreSQL and compared there.
 */
class CopyBinaryIT {
    private static final String[] TEXTS = {"s1", "tab\there", "back\\slash", "new\nline\r", "nul\0inside", "é CJK 温度",
        "emoji \uD83C\uDF21", "", "quote\"'", "\\N"};
    private static final double[] VALUES = {0.0, -0.0, 1.5, -273.15, 1e-300, 4.9e-324, Double.MAX_VALUE, -Double.MAX_VALUE,
        0.1 + 0.2, 123456789.123456789, 1e22, 21.5};

    @Test
    void readingsAndMinutes_storeTheSameAsTheirCopyText() throws Exception {
        Random random = new Random(2026);
        List<Reading> readings = new ArrayList<>();
        for (int i = 0; i < 20_000; i++) {
            Double value = random.nextInt(10) == 0 ? null
                    : random.nextBoolean() ? VALUES[random.nextInt(VALUES.length)] : random.nextGaussian() * 1e3;
            readings.add(new Reading(pick(random), pick(random), instant(random), value,
                    random.nextInt(4) == 0 ? null : pick(random), null, null, "t/" + pick(random), instant(random),
                    Quality.values()[random.nextInt(Quality.values().length)]));
        }
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            assertEquals(0, cli(Map.of("COLLECTOR_DB_URL", db.url()), new StringWriter(), "db", "migrate"));
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("CREATE TEMP TABLE as_text (LIKE measurements)");
                s.execute("CREATE TEMP TABLE as_binary (LIKE measurements)");
                String columns = "(sensor_id, metric, ts, value, unit, quality, topic, received_at)";
                copy(c, "COPY as_text " + columns + " FROM STDIN", copyText(readings));
                copy(c, "COPY as_binary " + columns + " FROM STDIN (FORMAT binary)", CopyBinary.readings(readings));
                assertEquals(readings.size(), count(s, "SELECT count(*) FROM as_binary"));
                assertEquals(0, count(s, "SELECT count(*) FROM ((TABLE as_text EXCEPT ALL TABLE as_binary)"
                        + " UNION ALL (TABLE as_binary EXCEPT ALL TABLE as_text)) d"));
                assertTrue(count(s, "SELECT count(*) FROM as_binary WHERE sensor_id LIKE 'nul\\\\u0000inside_'") > 0,
                        "NUL stored as the six characters backslash, u, 0000");

                // 1-minute rows (readings at whole microseconds, as MinuteRollups takes them) against the
                // live path's aggregate over the same rows, in the same order
                List<Reading> whole = readings.stream().map(r -> new Reading(r.sensorId(), r.metric(),
                        Instant.ofEpochSecond(r.ts().getEpochSecond(), r.ts().getNano() / 1000 * 1000), r.value(), r.unit(),
                        null, null, r.topic(), r.receivedAt(), r.quality())).toList();
                var minutes = MinuteRollups.of(whole);
                s.execute("CREATE TEMP TABLE w (LIKE measurements)");
                copy(c, "COPY w " + columns + " FROM STDIN (FORMAT binary)", CopyBinary.readings(whole));
                s.execute("CREATE TEMP TABLE m_binary (LIKE measurements_1min)");
                copy(c, "COPY m_binary (sensor_id, metric, minute, count, min, max, sum, valid_count) FROM STDIN (FORMAT binary)",
                        MinuteRollups.encode(minutes));
                s.execute("""
                        CREATE TEMP TABLE m_sql AS SELECT sensor_id, metric, date_trunc('minute', ts) AS minute, count(*) AS count,
                            min(value) AS min, max(value) AS max, sum(value) AS sum, count(*) FILTER (WHERE quality = 'valid') AS valid_count
                        FROM w WHERE value IS NOT NULL AND quality <> 'missing_value' GROUP BY 1, 2, 3""");
                assertEquals(minutes.size(), count(s, "SELECT count(*) FROM m_binary"));
                String fields = "sensor_id, metric, minute, count, min, max, sum, valid_count";
                assertEquals(0, count(s, "SELECT count(*) FROM ((SELECT " + fields + " FROM m_sql EXCEPT ALL SELECT " + fields
                        + " FROM m_binary) UNION ALL (SELECT " + fields + " FROM m_binary EXCEPT ALL SELECT " + fields + " FROM m_sql)) d"));
            }
        }
    }

    @Test
    void anInstantFinerThanAMicrosecond_isRoundedAsTheServerRoundsItsText() throws Exception {
        List<Instant> instants = new ArrayList<>();
        for (int nanos : new int[] {1, 499, 500, 501, 1_500, 2_500, 999_999_499, 999_999_500, 999_999_999, 123_456_789}) {
            instants.add(Instant.ofEpochSecond(1_700_000_000L, nanos));
            instants.add(Instant.ofEpochSecond(-1L, nanos)); // before 1970
            instants.add(Instant.ofEpochSecond(946_684_799L, nanos)); // the last second before PostgreSQL's epoch
        }
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            assertEquals(0, cli(Map.of("COLLECTOR_DB_URL", db.url()), new StringWriter(), "db", "migrate"));
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                for (Instant t : instants) {
                    try (ResultSet rs = s.executeQuery("SELECT ((extract(epoch FROM '" + Timestamps.format(t)
                            + "'::timestamptz) - 946684800) * 1000000)::bigint")) {
                        rs.next();
                        assertEquals(rs.getLong(1), CopyBinary.micros(t), Timestamps.format(t));
                    }
                }
            }
        }
    }

    private static String pick(Random random) {
        return TEXTS[random.nextInt(TEXTS.length)] + random.nextInt(5);
    }

    private static Instant instant(Random random) {
        long seconds = random.nextLong(0, 4_102_444_800L); // 1970 to 2100
        int nanos = switch (random.nextInt(4)) {
            case 0 -> 0;
            case 1 -> random.nextInt(1000) * 1_000_000;
            case 2 -> random.nextInt(1_000_000) * 1_000;
            default -> random.nextInt(1_000_000_000);
        };
        return Instant.ofEpochSecond(seconds, nanos);
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void copy(Connection c, String sql, byte[] data) throws Exception {
        c.unwrap(PGConnection.class).getCopyAPI().copyIn(sql, new ByteArrayInputStream(data));
    }

    /** The COPY text the loader wrote before the binary form: tab-separated, escaped, \N for null. */
    private static byte[] copyText(List<Reading> readings) {
        StringBuilder sb = new StringBuilder();
        for (Reading r : readings) {
            field(sb, r.sensorId()).append('\t');
            field(sb, r.metric()).append('\t');
            sb.append(Timestamps.format(r.ts())).append('\t');
            sb.append(r.value() == null ? "\\N" : r.value().toString()).append('\t');
            field(sb, r.unit()).append('\t');
            sb.append(r.quality().label()).append('\t');
            field(sb, r.topic()).append('\t');
            sb.append(Timestamps.format(r.receivedAt())).append('\n');
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static StringBuilder field(StringBuilder sb, String v) {
        if (v == null) {
            return sb.append("\\N");
        }
        for (int i = 0; i < v.length(); i++) {
            char ch = v.charAt(i);
            switch (ch) {
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\0' -> sb.append("\\\\u0000");
                default -> sb.append(ch);
            }
        }
        return sb;
    }
}
