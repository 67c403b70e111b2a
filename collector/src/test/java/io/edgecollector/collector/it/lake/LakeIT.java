package io.edgecollector.collector.it.lake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.CollectorMain;
import io.edgecollector.collector.lake.DayCompactor;
import io.edgecollector.collector.testing.TestDatabase;
import io.edgecollector.simulator.ReadingGenerator;
import io.edgecollector.simulator.SensorProfile;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The Parquet lake, read back by an independent reader (DuckDB) and compared with PostgreSQL. */
public class LakeIT {
    static final int LINES = 30_000;

    static int cli(StringWriter out, String... args) {
        CommandLine cl = CollectorMain.commandLine(Map.of());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        return cl.execute(args);
    }

    /** A day of simulated traffic in raw files, made by the benchmark's generator, ending in a torn line. */
    static Path rawDay(Path dir, LocalDate day) throws Exception {
        Path raw = dir.resolve("raw");
        String classPath = "target/collector.jar" + java.io.File.pathSeparator + "../simulator/target/simulator.jar";
        Process p = new ProcessBuilder("java", "-cp", classPath, "../bench/GenerateRawDay.java",
                raw.toString(), day.toString(), Integer.toString(LINES)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        Path file = raw.resolve("raw_" + day.toString().replace("-", "") + ".jsonl");
        Files.writeString(file, "{\"received_at\":\"" + day + "T23:59:59Z\",\"topic\":\"sensors/x\",\"pay",
                StandardOpenOption.APPEND);
        return file;
    }

    static String[] common(Path dir, TestDatabase db) throws Exception {
        Path registry = dir.resolve("sensors.json");
        Files.writeString(registry, ReadingGenerator.registryJson(SensorProfile.defaults(50)));
        return new String[] {"--raw-dir", dir.resolve("raw").toString(), "--lake-dir", dir.resolve("lake").toString(),
                "--sensors-file", registry.toString(), "--db-url", db.url()};
    }

    static String[] with(String[] first, String... more) {
        List<String> all = new ArrayList<>(List.of(first));
        all.addAll(List.of(more));
        return all.toArray(String[]::new);
    }

    public static List<List<Object>> rows(Connection c, String sql) throws Exception {
        List<List<Object>> out = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof Number num && !(v instanceof Long) && !(v instanceof Integer)
                            ? Math.round(num.doubleValue() * 1e6) / 1e6 : v instanceof Integer i2 ? i2.longValue() : v);
                }
                out.add(row);
            }
        }
        return out;
    }

    static byte[] sha(Path f) throws Exception {
        return MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(f));
    }

    @Test
    void compactedDay_readByDuckDb_matchesPostgres_andReRunsIdentically_thenRetentionApplies(@TempDir Path dir) throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(3);
        Path rawFile = rawDay(dir, day);
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            String[] common = common(dir, db);
            StringWriter out = new StringWriter();
            assertEquals(0, cli(out, with(with(new String[] {"replay"}, common), rawFile.toString())), out.toString());
            assertEquals(0, cli(out, with(with(new String[] {"compact"}, common), "--date", day.toString())), out.toString());
            assertTrue(out.toString().contains("torn_lines=1"), "the torn last line is counted and reported: " + out);

            Path measurements = DayCompactor.measurements(dir.resolve("lake"), day).resolve("part-00000.parquet");
            Path rollups = DayCompactor.rollups(dir.resolve("lake"), day).resolve("part-00000.parquet");
            String pgDay = " WHERE received_at >= '" + day + "T00:00:00Z' AND received_at < '" + day.plusDays(1) + "T00:00:00Z'";
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Connection pg = db.connect()) {
                String lake = "read_parquet('" + measurements + "')";
                assertEquals(rows(pg, "SELECT count(*), count(DISTINCT sensor_id), min(value), max(value), sum(value) FROM measurements" + pgDay),
                        rows(duck, "SELECT count(*), count(DISTINCT sensor_id), min(value), max(value), sum(value) FROM " + lake));
                assertEquals(rows(pg, "SELECT quality, count(*) FROM measurements" + pgDay + " GROUP BY 1 ORDER BY 1"),
                        rows(duck, "SELECT quality, count(*) FROM " + lake + " GROUP BY 1 ORDER BY 1"));
                assertEquals(rows(pg, "SELECT (extract(epoch FROM min(ts)) * 1e6)::bigint, (extract(epoch FROM max(ts)) * 1e6)::bigint,"
                                + " (extract(epoch FROM max(received_at)) * 1e6)::bigint FROM measurements" + pgDay),
                        rows(duck, "SELECT epoch_us(min(ts)), epoch_us(max(ts)), epoch_us(max(received_at)) FROM " + lake),
                        "the same instants, to the microsecond");
                assertEquals(rows(pg, "SELECT sensor_id, metric, extract(epoch FROM hour)::bigint, count, min, max, avg, valid_count"
                                + " FROM hourly_aggregates ORDER BY 1, 2, 3"),
                        rows(duck, "SELECT sensor_id, metric, epoch(hour)::bigint, count, min, max, avg, valid_count"
                                + " FROM read_parquet('" + rollups + "') ORDER BY 1, 2, 3"));
            }

            byte[] first = sha(measurements);
            byte[] firstRollups = sha(rollups);
            assertEquals(0, cli(out, with(with(new String[] {"compact"}, common), "--date", day.toString())));
            assertArrayEquals(first, sha(measurements), "a re-run writes the same file");
            assertArrayEquals(firstRollups, sha(rollups));
            long raw = Files.size(rawFile);
            assertTrue(Files.size(measurements) * 5 <= raw, "Parquet " + Files.size(measurements) + " bytes vs JSONL " + raw);

            StringWriter retention = new StringWriter();
            assertEquals(0, cli(retention, with(with(new String[] {"compact"}, common), "--date", day.toString(),
                    "--retention-compress-after", "1d")), retention.toString());
            assertFalse(Files.exists(rawFile), retention.toString());
            Path gz = rawFile.resolveSibling(rawFile.getFileName() + ".gz");
            assertTrue(Files.exists(gz), retention.toString());
            assertEquals(0, cli(out, with(with(new String[] {"compact"}, common), "--date", day.toString())));
            assertArrayEquals(first, sha(measurements), "the compressed raw file compacts to the same day");
            assertEquals(0, cli(retention, with(with(new String[] {"compact"}, common), "--date", day.toString(),
                    "--retention-delete-after", "2d")), retention.toString());
            assertFalse(Files.exists(gz), retention.toString());
        }
    }

    /** Wide CSV of one device, a reading of two metrics every 10 minutes from 12:00 the day before to 12:00 the day after. */
    static Path historyCsv(Path dir, LocalDate day) throws Exception {
        StringBuilder csv = new StringBuilder("time,temperature,humidity\n");
        java.time.Instant t = day.minusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(12 * 3600);
        for (int i = 0; i < 48 * 6; i++) {
            csv.append(t.plusSeconds(600L * i)).append(',').append(15 + i % 20 / 2.0).append(',')
                    .append(i % 17 == 0 ? "" : Integer.toString(40 + i % 30)).append('\n');
        }
        Path f = dir.resolve("history.csv");
        Files.writeString(f, csv);
        return f;
    }

    @Test
    void importedHistory_reachesTheLakeForItsDays_rebuildingACompactedDay_andAgainChangesNothing(@TempDir Path dir) throws Exception {
        LocalDate day = LocalDate.now(ZoneOffset.UTC).minusDays(3);
        List<LocalDate> days = List.of(day.minusDays(1), day, day.plusDays(1));
        Path rawFile = rawDay(dir, day);
        Path csv = historyCsv(dir, day);
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            String[] common = common(dir, db);
            StringWriter out = new StringWriter();
            assertEquals(0, cli(out, with(with(new String[] {"replay"}, common), rawFile.toString())), out.toString());
            assertEquals(0, cli(out, with(with(new String[] {"compact"}, common), "--date", day.toString())), out.toString());
            Path lake = dir.resolve("lake");
            long liveRows = count(lakeFile(lake, day));

            String[] importArgs = with(with(new String[] {"import"}, common), "--device", "hist-1", "--unit", "temperature=C",
                    csv.toString());
            assertEquals(0, cli(out, importArgs), out.toString());
            StringWriter compact = new StringWriter();
            assertEquals(0, cli(compact, with(new String[] {"compact"}, common)), compact.toString());
            for (LocalDate d : days) {
                assertTrue(compact.toString().contains("compact " + d + ": files="), "the import's days are due: " + compact);
            }

            try (Connection pg = db.connect(); Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
                long total = 0;
                for (LocalDate d : days) {
                    List<List<Object>> expected = rows(pg, imported("(extract(epoch FROM ts) * 1e6)::bigint", "measurements",
                            " AND ts >= '" + d + "T00:00:00Z' AND ts < '" + d.plusDays(1) + "T00:00:00Z'"));
                    assertFalse(expected.isEmpty(), "history on " + d);
                    total += expected.size();
                    assertEquals(expected, rows(duck, imported("epoch_us(ts)", "read_parquet('" + lakeFile(lake, d) + "')", "")),
                            "the lake's imported rows of " + d + " are PostgreSQL's, to the microsecond");
                    if (d.equals(day)) {
                        assertEquals(liveRows + expected.size(), count(lakeFile(lake, d)),
                                "the compacted day keeps its live rows and gains the imported ones");
                    }
                }
                assertEquals(db.count("SELECT count(*) FROM measurements WHERE topic LIKE 'import/%'"), total,
                        "every imported row is in the lake");
            }

            List<byte[]> before = new ArrayList<>();
            for (LocalDate d : days) {
                before.add(sha(lakeFile(lake, d)));
                before.add(sha(DayCompactor.rollups(lake, d).resolve("part-00000.parquet")));
            }
            StringWriter again = new StringWriter();
            assertEquals(0, cli(again, importArgs), again.toString());
            assertTrue(again.toString().contains("already imported") && again.toString().contains("new_rows=0"), again.toString());
            assertEquals(0, cli(again, with(new String[] {"compact"}, common)), again.toString());
            assertFalse(again.toString().contains("compact " + day + ":"), "nothing out of date: " + again);
            assertEquals(0, cli(again, with(with(new String[] {"compact"}, common), "--all")), again.toString());
            for (int i = 0; i < days.size(); i++) {
                assertArrayEquals(before.get(2 * i), sha(lakeFile(lake, days.get(i))), "a rebuild writes the same file");
                assertArrayEquals(before.get(2 * i + 1), sha(DayCompactor.rollups(lake, days.get(i)).resolve("part-00000.parquet")));
            }
        }
    }

    static Path lakeFile(Path lake, LocalDate day) {
        return DayCompactor.measurements(lake, day).resolve("part-00000.parquet");
    }

    static String imported(String ts, String from, String where) {
        return "SELECT sensor_id, metric, " + ts + ", value, unit, quality, topic FROM " + from
                + " WHERE topic LIKE 'import/%'" + where + " ORDER BY 1, 2, 3";
    }

    static long count(Path parquet) throws Exception {
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            return (Long) rows(duck, "SELECT count(*) FROM read_parquet('" + parquet + "')").get(0).get(0);
        }
    }

    @Test
    void openDay_isRefused_withOneClearLine(@TempDir Path dir) {
        StringWriter out = new StringWriter();
        String today = LocalDate.now(ZoneOffset.UTC).toString();
        assertEquals(2, cli(out, "compact", "--date", today, "--raw-dir", dir.toString()));
        assertTrue(out.toString().startsWith("--date " + today + " is not closed yet"), out.toString());
    }
}
