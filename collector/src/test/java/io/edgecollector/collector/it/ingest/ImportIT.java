package io.edgecollector.collector.it.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.CollectorMain;
import io.edgecollector.collector.testing.TestDatabase;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** collector import: history from CSV and JSONL through its own raw files into PostgreSQL, once. */
class ImportIT {
    /** The first 1,000 rows of the UCI occupancy dataset (../shared/datasets/occupancy/datatest.txt). */
    static final Path OCCUPANCY = Path.of("src/test/resources/occupancy/datatest-sample.txt");

    static int cli(StringWriter out, String... args) {
        CommandLine cl = CollectorMain.commandLine(Map.of());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        return cl.execute(args);
    }

    static String[] importArgs(TestDatabase db, Path dir, String... rest) {
        List<String> args = new java.util.ArrayList<>(List.of("import", "--db-url", db.url(),
                "--raw-dir", dir.resolve("raw").toString(), "--sensors-file", "../config/sensors.json"));
        args.addAll(List.of(rest));
        return args.toArray(String[]::new);
    }

    @Test
    void theOccupancyDataset_importsOnce_withItsQualityFlags_andAgainAddsNothing(@TempDir Path dir) throws Exception {
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            String[] args = importArgs(db, dir, "--device", "room-1", "--zone", "+01:00",
                    "--columns", "Temperature=temperature,Humidity=humidity,Light=light,CO2=co2", "--unit", "temperature=C",
                    OCCUPANCY.toString());
            StringWriter first = new StringWriter();
            assertEquals(0, cli(first, args), first.toString());
            long dataLines = Files.readAllLines(OCCUPANCY).size() - 1;
            assertTrue(first.toString().contains("lines=" + dataLines + " readings=" + dataLines * 4), first.toString());
            assertEquals(dataLines * 4, db.count("SELECT count(*) FROM measurements WHERE sensor_id = 'room-1'"));
            assertEquals(0, db.count("SELECT count(*) FROM measurements WHERE quality = 'stale'"),
                    "history is not stale for arriving late");
            assertEquals(1, db.count("SELECT count(*) FROM measurements WHERE sensor_id = 'room-1' AND metric = 'co2'"
                    + " AND ts = '2015-02-02T13:19:00Z' AND value = 749.2"), "local time +01:00");
            assertEquals(dataLines, db.count("SELECT count(*) FROM measurements WHERE metric = 'temperature' AND unit = 'C'"));

            StringWriter again = new StringWriter();
            assertEquals(0, cli(again, args), again.toString());
            assertTrue(again.toString().contains("already imported") && again.toString().contains("new_rows=0"), again.toString());
            assertEquals(dataLines * 4, db.count("SELECT count(*) FROM measurements"));
            assertEquals(1, Files.list(dir.resolve("raw/import")).filter(p -> p.toString().endsWith(".jsonl")).count());
        }
    }

    @Test
    void badLines_becomeRejectionsNamingTheirLine_theGoodOnesLoad_andReimportDoublesNothing(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("logger.csv");
        byte[] text = ("\uFEFFDate;Time;T;RH\n"
                + "10/03/2004;18.00.00;13,6;48,9\n"
                + "31/02/2004;19.00.00;13,3;47,7\n"
                + "10/03/2004;20.00.00;\"11,9\";-200\n"
                + "\n"
                + "10/03/2004;21.00.00;abc;50\n"
                + "10/03/2004;22.00.00;11,2\n").getBytes(StandardCharsets.UTF_8);
        Files.write(csv, text);
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            String[] args = importArgs(db, dir, "--device", "air-1", "--decimal-comma", "--date-column", "Date",
                    "--time-column", "Time", "--date-pattern", "d/MM/yyyy", "--time-pattern", "HH.mm.ss",
                    "--missing", "-200", csv.toString());
            StringWriter out = new StringWriter();
            assertEquals(0, cli(out, args), out.toString());
            assertEquals(6, db.count("SELECT count(*) FROM measurements"), "2 + 2 + 1 + 1 readings");
            assertEquals(1, db.count("SELECT count(*) FROM measurements WHERE metric = 'RH' AND value IS NULL"
                    + " AND quality = 'missing_value'"));
            List<String> reasons = new java.util.ArrayList<>();
            try (var c = db.connect(); var rs = c.createStatement().executeQuery(
                    "SELECT reason FROM rejected_messages ORDER BY raw_offset")) {
                while (rs.next()) {
                    reasons.add(rs.getString(1));
                }
            }
            assertEquals(3, reasons.size(), reasons.toString());
            assertTrue(reasons.get(0).startsWith("line 3: date '31/02/2004' does not exist"), reasons.toString());
            assertEquals("line 6: column T: value 'abc' is not a number", reasons.get(1));
            assertEquals("line 7: column RH: missing (the line has 3 fields)", reasons.get(2));

            StringWriter again = new StringWriter();
            assertEquals(0, cli(again, args), again.toString());
            assertEquals(6, db.count("SELECT count(*) FROM measurements"));
            assertEquals(3, db.count("SELECT count(*) FROM rejected_messages"));
        }
    }

    @Test
    void jsonl_inAnyMessageShape_withTheLineOfWhatIsNotJson(@TempDir Path dir) throws Exception {
        Path jsonl = dir.resolve("history.jsonl");
        Files.writeString(jsonl, """
                {"sensor_id":"Sensor 1","type":"temperature","value":99,"timestamp":1700000000}
                {"device_id":"dev-9","ts":"2023-11-14T22:13:20Z","temperature_c":25.5,"humidity":60.0}
                {"sensor_id":"sensor-007","timestamp":"2023-11-14T22:13:20.123Z","value":21.5,"unit":"C"}
                {"sensor_id":"broken",
                [{"sensor_id":"s-2","metric":"p","ts":1700000000,"value":1},{"sensor_id":"s-2","metric":"p","ts":1700000060,"value":2}]""");
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            StringWriter out = new StringWriter();
            assertEquals(0, cli(out, importArgs(db, dir, jsonl.toString())), out.toString());
            assertEquals(6, db.count("SELECT count(*) FROM measurements"));
            assertEquals(1, db.count("SELECT count(*) FROM measurements WHERE sensor_id = 'Sensor 1' AND quality = 'out_of_range'"));
            assertEquals(1, db.count("SELECT count(*) FROM measurements WHERE sensor_id = 'sensor-007' AND metric = 'value'"));
            assertEquals(1, db.count("SELECT count(*) FROM rejected_messages WHERE reason LIKE 'line 4: not JSON%'"));
        }
    }

    /**
     * The import fills measurements_1min with every chunk, from rollups computed in the JVM and
     * copied in the chunk's transaction: the result must be what the live path's per-chunk
     * rollups give for the same raw file (replayed into a second database), with readings
     * already stored (a key the import also has, a minute the import adds to), several readings
     * a minute (minutes split between chunks), missing values and every quality; and it stays
     * exactly once when the import is killed (-9) while loading (the rollups then match the rows
     * loaded so far), and when it is cut short after loading but before it marked itself done.
     */
    @Test
    void rollupsFilledWithEveryChunk_equalTheLivePaths_exactlyOnceAcrossKill9(@TempDir Path dir) throws Exception {
        int lines = 150_000;
        Path csv = dir.resolve("long-history.csv");
        StringBuilder text = new StringBuilder("time,temperature,humidity\n");
        for (int i = 0; i < lines; i++) { // 3 lines a minute; temperatures above 45 are out of range for Sensor 1
            text.append(1_704_067_200L + 20L * i).append(',').append(i % 50).append('.').append(i % 10).append(',')
                    .append(i % 7 == 0 ? "-200" : String.valueOf(40 + i % 30)).append('\n');
        }
        Files.writeString(csv, text);
        String alreadyStored = """
                INSERT INTO measurements VALUES
                  ('Sensor 1', 'temperature', '2024-01-01T00:00:20Z', 99, 'C', 'out_of_range', 'sensors/1', now()),
                  ('Sensor 1', 'temperature', '2024-01-01T00:01:10Z', 10, 'C', 'valid', 'sensors/1', now());
                INSERT INTO measurements_1min (sensor_id, metric, minute, count, min, max, sum, valid_count) VALUES
                  ('Sensor 1', 'temperature', '2024-01-01T00:00:00Z', 1, 99, 99, 99, 0),
                  ('Sensor 1', 'temperature', '2024-01-01T00:01:00Z', 1, 10, 10, 10, 1)""";
        try (TestDatabase db = TestDatabase.onSharedServer(); TestDatabase live = TestDatabase.onSharedServer()) {
            for (TestDatabase d : List.of(db, live)) {
                StringWriter out = new StringWriter();
                assertEquals(0, cli(out, "db", "migrate", "--db-url", d.url()), out.toString());
                try (var c = d.connect(); var st = c.createStatement()) {
                    st.execute(alreadyStored);
                }
            }
            String[] args = importArgs(db, dir, "--device", "Sensor 1", "--missing", "-200", csv.toString());
            try (var process = io.edgecollector.collector.testing.CollectorProcess.start(dir.resolve("import.log"), args)) {
                io.edgecollector.collector.testing.Await.until("the import's first rows", java.time.Duration.ofSeconds(60),
                        () -> db.countOrMinusOne("SELECT count(*) FROM measurements WHERE topic LIKE 'import/%'") > 0);
                process.kill();
            }
            long loaded = db.count("SELECT count(*) FROM measurements WHERE topic LIKE 'import/%'");
            assertTrue(loaded < 2L * lines - 1, "killed while loading: " + loaded);
            assertEquals(0, db.count("SELECT count(*) FROM load_checkpoint WHERE raw_file LIKE '%#1min'"), "no rollup deferred");
            assertTrue(db.count("SELECT count(*) FROM measurements_1min") > 2, "rolled up while loading");
            assertEquals(rollupsOfTheRows(db), rollups(db), "the rollups of exactly the rows loaded before the kill");

            StringWriter finished = new StringWriter();
            assertEquals(0, cli(finished, args), finished.toString());
            assertEquals(2L * lines - 1 + 2, db.count("SELECT count(*) FROM measurements"), "one key was already stored");
            Path raw;
            try (var files = Files.list(dir.resolve("raw/import"))) {
                raw = files.filter(p -> p.toString().endsWith(".jsonl")).findFirst().orElseThrow();
            }
            StringWriter replayed = new StringWriter();
            assertEquals(0, cli(replayed, "replay", "--db-url", live.url(), "--raw-dir", dir.resolve("raw-live").toString(),
                    "--sensors-file", "../config/sensors.json", raw.toString()), replayed.toString());
            assertEquals(db.count("SELECT count(*) FROM measurements"), live.count("SELECT count(*) FROM measurements"));
            List<String> expected = rollups(live);
            assertEquals(2 * (lines / 3), expected.size(), "two metrics, 3 readings a minute");
            assertEquals(expected, rollups(db), "the same rollups as the live path");

            // cut short after the rollup committed, before the import marked itself done: nothing added again
            Files.delete(raw.resolveSibling(raw.getFileName() + ".done"));
            StringWriter again = new StringWriter();
            assertEquals(0, cli(again, args), again.toString());
            assertTrue(again.toString().contains("new_rows=0"), again.toString());
            assertEquals(expected, rollups(db));
            StringWriter once = new StringWriter();
            assertEquals(0, cli(once, args), once.toString());
            assertTrue(once.toString().contains("already imported"), once.toString());
            assertEquals(expected, rollups(db));
        }
    }

    /**
     * An import begun by the previous version, which deferred its rollups to its end (the
     * {@code #1min} row says -1), is finished that way: one final rollup, the row then 0, and
     * the same rollups as an import made now; meanwhile `replay` refuses its raw file.
     */
    @Test
    void anImportBegunWithItsRollupsDeferred_isFinishedByOneFinalRollup_withTheSameRollups(@TempDir Path dir)
            throws Exception {
        Path csv = dir.resolve("short-history.csv");
        StringBuilder text = new StringBuilder("time,temperature\n");
        for (int i = 0; i < 9_000; i++) { // 3 lines a minute, some missing
            text.append(1_704_067_200L + 20L * i).append(',').append(i % 11 == 0 ? "-200" : (i % 50) + ".5").append('\n');
        }
        Files.writeString(csv, text);
        try (TestDatabase now = TestDatabase.onSharedServer(); TestDatabase before = TestDatabase.onSharedServer()) {
            StringWriter out = new StringWriter();
            String[] nowArgs = importArgs(now, dir, "--device", "Sensor 1", "--missing", "-200", csv.toString());
            assertEquals(0, cli(out, nowArgs), out.toString());
            String raw;
            try (var files = Files.list(dir.resolve("raw/import"))) {
                raw = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".jsonl")).findFirst().orElseThrow();
            }
            assertEquals(0, cli(out, "db", "migrate", "--db-url", before.url()), out.toString());
            try (var c = before.connect(); var st = c.prepareStatement(
                    "INSERT INTO load_checkpoint (raw_file, byte_offset, lines) VALUES (?, -1, 0)")) {
                st.setString(1, raw + "#1min");
                st.executeUpdate();
            }
            StringWriter refused = new StringWriter();
            assertTrue(0 != cli(refused, "replay", "--db-url", before.url(), "--raw-dir", dir.resolve("raw-live").toString(),
                    "--sensors-file", "../config/sensors.json", dir.resolve("raw/import").resolve(raw).toString()),
                    "replay refused: " + refused);
            assertTrue(refused.toString().contains("finish it by running the same `collector import` again"), refused.toString());

            StringWriter finished = new StringWriter();
            assertEquals(0, cli(finished, "import", "--db-url", before.url(), "--raw-dir", dir.resolve("raw-before").toString(),
                    "--sensors-file", "../config/sensors.json", "--device", "Sensor 1", "--missing", "-200", csv.toString()),
                    finished.toString());
            assertEquals(1, before.count("SELECT count(*) FROM load_checkpoint WHERE raw_file LIKE '%#1min' AND byte_offset = 0"),
                    "the deferred rollup is done");
            assertEquals(3_000, rollups(now).size(), "one minute per 3 lines");
            assertEquals(rollups(now), rollups(before));
            assertEquals(rollupsOfTheRows(now), rollups(now));
        }
    }

    /** What measurements_1min must hold for the rows of measurements, by one aggregate, as {@link #rollups} writes it. */
    private static List<String> rollupsOfTheRows(TestDatabase db) throws java.sql.SQLException {
        return rollups(db, """
                SELECT sensor_id, metric, date_trunc('minute', ts), count(*), min(value), max(value),
                       count(*) FILTER (WHERE quality = 'valid'), sum(value)
                FROM measurements WHERE value IS NOT NULL AND quality <> 'missing_value' GROUP BY 1, 2, 3 ORDER BY 1, 2, 3""");
    }

    /** measurements_1min as text; sums to 9 significant digits (the order of additions differs between the paths). */
    private static List<String> rollups(TestDatabase db) throws java.sql.SQLException {
        return rollups(db, "SELECT sensor_id, metric, minute, count, min, max, valid_count, sum FROM measurements_1min ORDER BY 1, 2, 3");
    }

    private static List<String> rollups(TestDatabase db, String query) throws java.sql.SQLException {
        List<String> rows = new java.util.ArrayList<>();
        try (var c = db.connect(); var rs = c.createStatement().executeQuery(query)) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getObject(3, java.time.OffsetDateTime.class)
                        + " count=" + rs.getLong(4) + " min=" + rs.getDouble(5) + " max=" + rs.getDouble(6)
                        + " valid=" + rs.getLong(7) + " sum=" + String.format(java.util.Locale.ROOT, "%.9g", rs.getDouble(8)));
            }
        }
        return rows;
    }
}
