package io.edgecollector.collector.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.edgecollector.collector.parse.ReadingMapper;
import io.edgecollector.collector.parse.TopicTemplate;
import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.rawlog.RawLog;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.QualityRules;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The lake keeps one row per exact key, as PostgreSQL does, whatever the keys hash to. */
class DayCompactorTest {
    static final LocalDate DAY = LocalDate.of(2025, 12, 2);
    static final MessageProcessor PROCESSOR = new MessageProcessor(new ReadingMapper(TopicTemplate.of("sensors/{sensor_id}/{metric}"), "value"),
            Validators.shared(), SensorRegistry.empty(), new QualityRules(List.of(), Duration.ofDays(3650), Duration.ofDays(3650)));

    /**
     * Two distinct keys on which the compactor's former 64-bit key hash collides: found by
     * searching 3 million sensor ids for two whose hash difference a timestamp shift cancels.
     */
    static final String SENSOR_A = "s908878";
    static final long TS_A = 1_764_634_600_000_000L;
    static final String SENSOR_B = "s2958981";
    static final long TS_B = 1_764_634_599_679_174L;

    /** The hash DayCompactor used as the key until it compared keys exactly. */
    static long formerKeyHash(String sensorId, String metric, long tsMicros) {
        long h = 0xcbf29ce484222325L;
        for (String s : new String[] {sensorId, "\u0000", metric}) {
            for (int i = 0; i < s.length(); i++) {
                h = (h ^ s.charAt(i)) * 0x100000001b3L;
            }
        }
        return h * 31 + tsMicros * 0x9E3779B97F4A7C15L;
    }

    record Sent(String sensor, long tsMicros, double value) {
    }

    static void writeRawDay(Path raw, List<Sent> readings) throws Exception {
        List<RawLine> lines = new ArrayList<>();
        Instant at = DAY.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600);
        for (Sent s : readings) {
            byte[] payload = ("{\"sensor_id\":\"" + s.sensor() + "\",\"type\":\"temperature\",\"value\":" + s.value()
                    + ",\"unit\":\"C\",\"timestamp\":" + s.tsMicros() + "}").getBytes(StandardCharsets.UTF_8);
            lines.add(RawLineCodec.encode(at, "sensors/" + s.sensor() + "/temperature", 1, payload, true, null));
            at = at.plusMillis(1);
        }
        try (RawLog log = new RawLog(raw, "")) {
            log.append(lines);
        }
    }

    static List<String> lakeRows(Path lake) throws Exception {
        Path file = DayCompactor.measurements(lake, DAY).resolve(ParquetFiles.PART);
        List<String> rows = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT sensor_id, epoch_us(ts), value FROM read_parquet('" + file + "')")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "@" + rs.getLong(2) + "=" + rs.getDouble(3));
            }
        }
        return rows;
    }

    @Test
    void twoDistinctKeys_whose64BitHashesCollide_areBothKept_andVerifyCountsExactly(@TempDir Path dir) throws Exception {
        assertEquals(formerKeyHash(SENSOR_A, "temperature", TS_A), formerKeyHash(SENSOR_B, "temperature", TS_B),
                "the two keys collide on the former hash");
        writeRawDay(dir.resolve("raw"), List.of(new Sent(SENSOR_A, TS_A, 1.5), new Sent(SENSOR_B, TS_B, 2.5),
                new Sent(SENSOR_A, TS_A, 1.5)));

        DayCompactor.Result r = new DayCompactor(dir.resolve("raw"), dir.resolve("lake"), PROCESSOR).compact(DAY);

        assertEquals(3, r.manifest().readings());
        assertEquals(1, r.manifest().duplicates(), "only the real duplicate is dropped");
        assertEquals(2, r.manifest().rows());
        assertEquals(List.of(SENSOR_B + "@" + TS_B + "=2.5", SENSOR_A + "@" + TS_A + "=1.5"), lakeRows(dir.resolve("lake")),
                "both readings, in key order");
    }

    @Test
    void aDayLargerThanOneRun_isSortedByKey_keepsTheFirstOfEachKey_andLeavesNoSpillFiles(@TempDir Path dir) throws Exception {
        long t = TS_A;
        List<Sent> sent = List.of(
                new Sent("b", t + 2, 1), new Sent("a", t + 1, 2), new Sent("b", t + 1, 3),   // run 1
                new Sent("a", t + 1, 4), new Sent("c", t, 5), new Sent("b", t + 2, 6),      // run 2: two duplicates of run 1
                new Sent("c", t, 7), new Sent("a", t, 8));                                   // in memory: one of run 2
        writeRawDay(dir.resolve("raw"), sent);

        DayCompactor.Result r = new DayCompactor(dir.resolve("raw"), dir.resolve("lake"), PROCESSOR, 3).compact(DAY);

        assertEquals(8, r.manifest().readings());
        assertEquals(3, r.manifest().duplicates());
        assertEquals(5, r.manifest().rows());
        assertEquals(List.of("a@" + t + "=8.0", "a@" + (t + 1) + "=2.0", "b@" + (t + 1) + "=3.0", "b@" + (t + 2) + "=1.0",
                "c@" + t + "=5.0"), lakeRows(dir.resolve("lake")), "key order; the first sent of each key");
        try (Stream<Path> all = Files.walk(dir.resolve("lake"))) {
            assertFalse(all.anyMatch(p -> p.getFileName().toString().startsWith(".tmp-")), "spilled runs are removed");
        }
    }
}
