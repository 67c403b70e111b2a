package io.edgecollector.collector.lake;

import static io.edgecollector.collector.lake.DayCompactorTest.DAY;
import static io.edgecollector.collector.lake.DayCompactorTest.PROCESSOR;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.rawlog.ImportFiles;
import io.edgecollector.collector.rawlog.RawLineCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Imported history reaches the lake partitions of its timestamps, rebuilding days compacted before it. */
class ImportedDaysTest {
    static final LocalDate BEFORE = DAY.minusDays(1);
    static final LocalDate AFTER = DAY.plusDays(1);
    static final LocalDate TODAY = DAY.plusDays(5);

    static long micros(LocalDate day, int hour) {
        return day.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(3600L * hour).toEpochMilli() * 1000;
    }

    /** An import's raw file as `collector import` writes it: every line received at the import, topic import/<file>. */
    static Path writeImport(Path raw, String id, Instant receivedAt, List<DayCompactorTest.Sent> readings, String... rejected)
            throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (DayCompactorTest.Sent s : readings) {
            byte[] payload = ("{\"sensor_id\":\"" + s.sensor() + "\",\"metric\":\"temperature\",\"value\":" + s.value()
                    + ",\"ts\":" + s.tsMicros() + "}").getBytes(StandardCharsets.UTF_8);
            out.writeBytes(RawLineCodec.encode(receivedAt, "import/history.csv", 1, payload, true, null).bytes());
        }
        for (String text : rejected) {
            out.writeBytes(RawLineCodec.encode(receivedAt, "import/history.csv", 1, text.getBytes(StandardCharsets.UTF_8),
                    false, "line 9: column T: value 'abc' is not a number").bytes());
        }
        Path file = ImportFiles.dir(raw).resolve("import_" + id + ".jsonl");
        Files.createDirectories(file.getParent());
        Files.write(file, out.toByteArray());
        return file;
    }

    static List<String> rows(Path lake, LocalDate day) throws Exception {
        Path file = DayCompactor.measurements(lake, day).resolve(ParquetFiles.PART);
        List<String> rows = new ArrayList<>();
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT sensor_id, epoch_us(ts), value, topic FROM read_parquet('" + file + "')")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + "@" + rs.getLong(2) + "=" + rs.getDouble(3) + " " + rs.getString(4));
            }
        }
        return rows;
    }

    static byte[] bytes(Path f) throws IOException {
        return Files.readAllBytes(f);
    }

    @Test
    void anImportSpanningThreeDays_rebuildsTheCompactedOne_addsTheOthers_andAgainChangesNothing(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        Path lake = dir.resolve("lake");
        long t = micros(DAY, 10);
        DayCompactorTest.writeRawDay(raw, List.of(new DayCompactorTest.Sent("live", t, 1.0)));
        DayCompactor compactor = new DayCompactor(raw, lake, PROCESSOR, 2);
        assertEquals(1, compactor.compact(DAY).manifest().rows());

        Instant importedAt = TODAY.atStartOfDay(ZoneOffset.UTC).toInstant();
        Path history = writeImport(raw, "00aa", importedAt, List.of(
                new DayCompactorTest.Sent("hist", micros(BEFORE, 23), 5.0),
                new DayCompactorTest.Sent("hist", micros(DAY, 1), 6.0),
                new DayCompactorTest.Sent("live", t, 9.0),          // the live reading's key: the live one stays
                new DayCompactorTest.Sent("hist", micros(AFTER, 0), 7.0),
                new DayCompactorTest.Sent("hist", micros(DAY, 1), 8.0)), // a duplicate within the import
                "12,abc");
        List<ImportFiles.Entry> imports = ImportFiles.entries(raw, PROCESSOR);
        assertEquals(List.of(BEFORE, DAY, AFTER), List.copyOf(imports.get(0).days()), "the days, from the file's lines");
        assertTrue(Files.exists(history.resolveSibling(history.getFileName() + ".days")), "recorded beside the file");
        assertEquals(List.of(BEFORE, DAY, AFTER), DayCompactor.outOfDate(lake, imports, TODAY),
                "the compacted day is out of date too");

        List<DayCompactor.Outcome> outcomes = compactor.compact(List.of(BEFORE, DAY, AFTER), imports, bytes -> { });
        outcomes.forEach(o -> assertNull(o.failure(), o.toString()));
        assertEquals(List.of("hist@" + micros(DAY, 1) + "=6.0 import/history.csv",
                "live@" + t + "=1.0 sensors/live/temperature"), rows(lake, DAY), "key order; the first of each key kept");
        assertEquals(List.of("hist@" + micros(BEFORE, 23) + "=5.0 import/history.csv"), rows(lake, BEFORE));
        assertEquals(List.of("hist@" + micros(AFTER, 0) + "=7.0 import/history.csv"), rows(lake, AFTER));
        Manifest m = Manifest.read(DayCompactor.measurements(lake, DAY));
        assertTrue(m.covers("import/import_00aa.jsonl", Files.size(history)), m.toString());
        assertEquals(4, m.readings());
        assertEquals(2, m.duplicates());
        assertEquals(List.of(), DayCompactor.outOfDate(lake, ImportFiles.entries(raw, PROCESSOR), TODAY));

        byte[] before = bytes(DayCompactor.measurements(lake, DAY).resolve(ParquetFiles.PART));
        byte[] rollups = bytes(DayCompactor.rollups(lake, DAY).resolve(ParquetFiles.PART));
        compactor.compact(List.of(BEFORE, DAY, AFTER), ImportFiles.entries(raw, PROCESSOR), bytes -> { });
        assertArrayEquals(before, bytes(DayCompactor.measurements(lake, DAY).resolve(ParquetFiles.PART)), "the same file again");
        assertArrayEquals(rollups, bytes(DayCompactor.rollups(lake, DAY).resolve(ParquetFiles.PART)));
        try (Stream<Path> all = Files.walk(lake)) {
            assertFalse(all.anyMatch(p -> p.getFileName().toString().startsWith(".")), "nothing left aside");
        }
    }

    @Test
    void anImportThatGrows_makesItsDaysOutOfDateAgain_andTheDaysFileFollows(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        Path lake = dir.resolve("lake");
        Instant importedAt = TODAY.atStartOfDay(ZoneOffset.UTC).toInstant();
        Path history = writeImport(raw, "00bb", importedAt, List.of(new DayCompactorTest.Sent("h", micros(DAY, 2), 1)));
        DayCompactor compactor = new DayCompactor(raw, lake, PROCESSOR);
        compactor.compact(List.of(DAY), ImportFiles.entries(raw, PROCESSOR), bytes -> { });
        assertEquals(List.of(), DayCompactor.outOfDate(lake, ImportFiles.entries(raw, PROCESSOR), TODAY));

        Path more = writeImport(dir.resolve("other"), "00bb", importedAt, List.of(
                new DayCompactorTest.Sent("h", micros(AFTER, 2), 2)));
        Files.write(history, Files.readAllBytes(more), java.nio.file.StandardOpenOption.APPEND); // a cut-short import finished
        List<ImportFiles.Entry> imports = ImportFiles.entries(raw, PROCESSOR);
        assertEquals(List.of(DAY, AFTER), List.copyOf(imports.get(0).days()));
        assertEquals(List.of(DAY, AFTER), DayCompactor.outOfDate(lake, imports, TODAY));
        assertEquals(List.of(DAY), DayCompactor.outOfDate(lake, imports, AFTER), "an open day is not compacted");
    }

    @Test
    void aDayWhoseRawFileRetentionDeleted_isNotRebuilt_andSaysWhy(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        Path lake = dir.resolve("lake");
        DayCompactorTest.writeRawDay(raw, List.of(new DayCompactorTest.Sent("live", micros(DAY, 3), 1.0)));
        DayCompactor compactor = new DayCompactor(raw, lake, PROCESSOR);
        compactor.compact(DAY);
        byte[] before = bytes(DayCompactor.measurements(lake, DAY).resolve(ParquetFiles.PART));
        try (Stream<Path> files = Files.list(raw)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.delete(f);
            }
        }
        writeImport(raw, "00cc", TODAY.atStartOfDay(ZoneOffset.UTC).toInstant(),
                List.of(new DayCompactorTest.Sent("h", micros(DAY, 4), 2)));

        IOException e = assertThrows(IOException.class, () -> compactor.compact(DAY));
        assertTrue(e.getMessage().startsWith("raw file raw_20251202.jsonl that the day was compacted from is gone"), e.getMessage());
        assertArrayEquals(before, bytes(DayCompactor.measurements(lake, DAY).resolve(ParquetFiles.PART)), "left as it was");
    }

    @Test
    void retention_deletesAnImportOnlyWhenEveryDayOfItIsCompactedWithIt_andItIsLoaded(@TempDir Path dir) throws Exception {
        Path raw = dir.resolve("raw");
        Path lake = dir.resolve("lake");
        Path history = writeImport(raw, "00dd", DAY.atStartOfDay(ZoneOffset.UTC).toInstant(), List.of(
                new DayCompactorTest.Sent("h", micros(BEFORE, 2), 1), new DayCompactorTest.Sent("h", micros(DAY, 2), 2)));
        boolean[] loaded = {true};
        Retention retention = new Retention(raw, lake, (name, size) -> loaded[0]);
        DayCompactor compactor = new DayCompactor(raw, lake, PROCESSOR);

        Retention.Outcome o = retention.apply(null, TODAY);
        assertEquals(List.of("import/import_00dd.jsonl: its days are not known yet (compact first)"), o.kept());
        compactor.compact(List.of(DAY), ImportFiles.entries(raw, PROCESSOR), bytes -> { });
        o = retention.apply(null, TODAY);
        assertEquals(List.of("import/import_00dd.jsonl: day " + BEFORE + " not compacted with it (compact first)"), o.kept());
        compactor.compact(List.of(BEFORE), ImportFiles.entries(raw, PROCESSOR), bytes -> { });
        loaded[0] = false;
        assertEquals(List.of("import/import_00dd.jsonl: not loaded into the database to its end"),
                retention.apply(null, TODAY).kept());
        assertTrue(retention.apply(null, DAY).kept().isEmpty(), "not old enough: not looked at");
        assertTrue(Files.exists(history));
        loaded[0] = true;
        assertEquals(List.of("import/import_00dd.jsonl"), retention.apply(null, TODAY).deleted());
        assertFalse(Files.exists(history));
    }
}
