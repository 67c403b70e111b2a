package io.edgecollector.collector.lake;

import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.rawlog.ImportFiles;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.rawlog.RawLineReader;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.parse.Quality;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.LongConsumer;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * Turns closed days' raw files (every instance's) into the lake: the readings, parsed and
 * flagged by the same code path as ingestion, one row per exact key (sensor_id, metric, ts) as
 * in PostgreSQL, in key order, and hourly rollups. A day's partition holds the readings received
 * that day and the imported readings ({@link ImportFiles}) whose timestamps fall on it. Written
 * aside, checked (rows written = distinct readings parsed), then published.
 */
public final class DayCompactor {
    /**
     * Rows held in memory while sorting by key (about 300 bytes each: 15 MB); a day with more
     * spills sorted runs beside the partition and merges them. A 1,000,000-line day compacted
     * with a 64 MB heap this way (bench/compaction.sh).
     */
    static final int RUN_ROWS = 50_000;

    private final Path rawDir;
    private final Path lakeDir;
    private final MessageProcessor processor;
    private final MessageProcessor intakeChecked;
    private final int runRows;
    private final int threads;

    public DayCompactor(Path rawDir, Path lakeDir, MessageProcessor processor) {
        this(rawDir, lakeDir, processor, null);
    }

    /**
     * @param intakeChecked the same processor without Bean Validation, for the daily lines intake
     *                      validated and wrote no rejection into (see {@link LinePipeline}); null: none
     */
    public DayCompactor(Path rawDir, Path lakeDir, MessageProcessor processor, MessageProcessor intakeChecked) {
        this(rawDir, lakeDir, processor, intakeChecked, RUN_ROWS, LinePipeline.defaultThreads());
    }

    /** With runRows rows held in memory at most while sorting (tests make it small to exercise the merge). */
    DayCompactor(Path rawDir, Path lakeDir, MessageProcessor processor, int runRows) {
        this(rawDir, lakeDir, processor, null, runRows, LinePipeline.defaultThreads());
    }

    DayCompactor(Path rawDir, Path lakeDir, MessageProcessor processor, MessageProcessor intakeChecked, int runRows,
                 int threads) {
        this.rawDir = rawDir;
        this.lakeDir = lakeDir;
        this.processor = processor;
        this.intakeChecked = intakeChecked;
        this.runRows = runRows;
        this.threads = threads;
    }

    public static Path measurements(Path lakeDir, LocalDate day) {
        return lakeDir.resolve("measurements").resolve("date=" + day);
    }

    public static Path rollups(Path lakeDir, LocalDate day) {
        return lakeDir.resolve("rollups_1h").resolve("date=" + day);
    }

    /** What a compaction did; rawBytes and parquetBytes give the size ratio. */
    public record Result(Manifest manifest, long rawBytes, long parquetBytes, double seconds) {
    }

    /** Compacts the day; returns null when it has no raw files. */
    public Result compact(LocalDate day) throws IOException {
        return compact(day, bytes -> { });
    }

    /** As {@link #compact(LocalDate)}, telling bytesRead how many raw bytes each line took. */
    public Result compact(LocalDate day, LongConsumer bytesRead) throws IOException {
        Outcome o = compact(List.of(day), ImportFiles.entries(rawDir, processor), bytesRead).get(0);
        if (o.failure() != null) {
            throw new IOException(o.failure());
        }
        return o.result();
    }

    /** What compacting one day gave: a result (null: the day has no raw files), or why it failed. */
    public record Outcome(LocalDate day, Result result, String failure) {
    }

    /**
     * The closed days (before today) whose lake partitions do not hold every import that touches
     * them at its present size: the days an import added since (or finished since) makes out of
     * date. Both partitions' manifests are checked, so a compaction cut short between publishing
     * the two is redone.
     */
    public static List<LocalDate> outOfDate(Path lakeDir, List<ImportFiles.Entry> imports, LocalDate today) throws IOException {
        Map<LocalDate, List<ImportFiles.Entry>> byDay = byDay(imports);
        List<LocalDate> out = new ArrayList<>();
        for (Map.Entry<LocalDate, List<ImportFiles.Entry>> e : byDay.entrySet()) {
            if (!e.getKey().isBefore(today)) {
                continue;
            }
            Manifest m = Manifest.read(measurements(lakeDir, e.getKey()));
            Manifest r = Manifest.read(rollups(lakeDir, e.getKey()));
            boolean covered = m != null && r != null
                    && e.getValue().stream().allMatch(i -> m.covers(i.source(), i.bytes()) && r.covers(i.source(), i.bytes()));
            if (!covered) {
                out.add(e.getKey());
            }
        }
        return out;
    }

    /** The days the imports touch, each with its imports in import order. */
    public static SortedMap<LocalDate, List<ImportFiles.Entry>> byDay(List<ImportFiles.Entry> imports) {
        SortedMap<LocalDate, List<ImportFiles.Entry>> byDay = new TreeMap<>();
        for (ImportFiles.Entry i : imports) {
            for (LocalDate d : i.days()) {
                byDay.computeIfAbsent(d, k -> new ArrayList<>()).add(i);
            }
        }
        return byDay;
    }

    /** The bytes compacting these days reads: their daily raw files and the imports that touch them. */
    public long bytesToRead(List<LocalDate> days, List<ImportFiles.Entry> imports) throws IOException {
        long bytes = 0;
        for (LocalDate day : days) {
            for (Path f : RawFiles.ofDay(rawDir, day)) {
                bytes += Files.size(f);
            }
        }
        for (ImportFiles.Entry i : imports) {
            if (days.stream().anyMatch(i.days()::contains)) {
                bytes += i.bytes();
            }
        }
        return bytes;
    }

    /** One day being compacted: its sorted rows, counts and sources, or why it failed. */
    private final class Day implements AutoCloseable {
        final LocalDate date;
        final List<Path> files;
        final List<Manifest.Source> sources = new ArrayList<>();
        final Counts counts = new Counts();
        final Path sorting;
        final KeyOrder rows;
        String failure;

        Day(LocalDate date, List<Path> files) throws IOException {
            this.date = date;
            this.files = files;
            this.sorting = ParquetFiles.staging(measurements(lakeDir, date).resolveSibling("sort-date=" + date));
            this.rows = new KeyOrder(sorting, runRows);
        }

        @Override
        public void close() throws IOException {
            try {
                rows.close();
            } finally {
                ParquetFiles.deleteTree(sorting);
            }
        }
    }

    /**
     * Compacts several days in one pass over their sources: each day's daily raw files, then
     * each import that touches any of the days, read once, its readings going to the day of
     * their timestamp. At most runRows rows are held in memory across all the days. A day that
     * fails (a source unreadable, a check that does not hold) leaves its partition as it was and
     * does not stop the others.
     */
    public List<Outcome> compact(List<LocalDate> dates, List<ImportFiles.Entry> imports, LongConsumer bytesRead)
            throws IOException {
        long started = System.nanoTime();
        SortedMap<LocalDate, List<ImportFiles.Entry>> importsByDay = byDay(imports);
        Map<LocalDate, Day> days = new LinkedHashMap<>();
        List<Outcome> outcomes = new ArrayList<>();
        Budget budget = new Budget(runRows, days.values());
        ParquetFiles.preload();
        try (LinePipeline pipeline = new LinePipeline(processor, intakeChecked, threads)) {
            for (LocalDate date : dates) {
                List<Path> files = RawFiles.ofDay(rawDir, date);
                List<ImportFiles.Entry> touching = importsByDay.getOrDefault(date, List.of());
                if (files.isEmpty() && touching.isEmpty()) {
                    continue;
                }
                Day day = new Day(date, files);
                days.put(date, day);
                for (Path f : files) {
                    day.sources.add(new Manifest.Source(f.getFileName().toString(), Files.size(f)));
                }
                for (ImportFiles.Entry i : touching) {
                    day.sources.add(new Manifest.Source(i.source(), i.bytes()));
                }
                day.failure = sourcesGone(date, day.sources);
            }
            for (Day day : days.values()) {
                if (day.failure != null) {
                    continue;
                }
                for (Path f : day.files) {
                    try {
                        readDaily(pipeline, f, day, budget, bytesRead);
                    } catch (IOException e) {
                        day.failure = "cannot read " + f.getFileName() + ": " + e.getMessage();
                        break;
                    }
                }
            }
            for (ImportFiles.Entry i : imports) {
                List<Day> touched = i.days().stream().map(days::get)
                        .filter(d -> d != null && d.failure == null).toList();
                if (touched.isEmpty()) {
                    continue;
                }
                try {
                    readImport(pipeline, i, days, budget, bytesRead);
                } catch (IOException e) {
                    for (Day d : touched) {
                        d.failure = "cannot read " + i.source() + ": " + e.getMessage();
                    }
                }
            }
            for (LocalDate date : dates) {
                Day day = days.get(date);
                if (day == null) {
                    outcomes.add(new Outcome(date, null, null));
                } else if (day.failure != null) {
                    outcomes.add(new Outcome(date, null, day.failure));
                } else {
                    try {
                        outcomes.add(new Outcome(date, write(day, started), null));
                    } catch (IOException | RuntimeException e) {
                        outcomes.add(new Outcome(date, null, String.valueOf(e.getMessage())));
                    }
                }
                started = System.nanoTime();
            }
            return outcomes;
        } finally {
            for (Day day : days.values()) {
                day.close();
            }
        }
    }

    /**
     * Why the day cannot be rebuilt: a raw file its partition was made from is gone (retention
     * deleted it), so a rebuild would drop its rows. Null when every source is still there.
     */
    private String sourcesGone(LocalDate date, List<Manifest.Source> now) throws IOException {
        Manifest before = Manifest.read(measurements(lakeDir, date));
        if (before == null) {
            return null;
        }
        for (Manifest.Source s : before.sources()) {
            String plain = s.name().replaceFirst("\\.gz$", "");
            boolean present = now.stream().anyMatch(n -> n.name().equals(plain) || n.name().equals(plain + ".gz"));
            if (!present) {
                return "raw file " + s.name() + " that the day was compacted from is gone (deleted by retention?); "
                        + "rebuilding the day would drop its rows, so the partition is left as it is";
            }
        }
        return null;
    }

    /** Rows held across every day being compacted: at runRows, each day's held rows are spilled as a sorted run. */
    private static final class Budget {
        private final int runRows;
        private final java.util.Collection<Day> days;
        private int held;

        Budget(int runRows, java.util.Collection<Day> days) {
            this.runRows = runRows;
            this.days = days;
        }

        /** After a row was added to a day. */
        void added() throws IOException {
            if (++held >= runRows) {
                spill();
            }
        }

        private void spill() throws IOException {
            for (Day d : days) {
                d.rows.spillHeld();
            }
            held = 0;
        }
    }

    private void readDaily(LinePipeline pipeline, Path f, Day day, Budget budget, LongConsumer bytesRead) throws IOException {
        if (pipeline.read(f, Long.MAX_VALUE, true, new DailyLines(day, budget, bytesRead)) > 0) {
            day.counts.torn++;
        }
    }

    /**
     * A daily raw file's lines, counted, their readings held for the day. A class rather than a
     * lambda calling methods, for the JIT (see {@link RowWriter}).
     */
    private static final class DailyLines implements LinePipeline.Sink {
        private final Day day;
        private final Counts counts;
        private final Budget budget;
        private final LongConsumer bytesRead;

        DailyLines(Day day, Budget budget, LongConsumer bytesRead) {
            this.day = day;
            this.counts = day.counts;
            this.budget = budget;
            this.bytesRead = bytesRead;
        }

        @Override
        public void line(long offset, int length, MappedMessage mapped) throws IOException {
            bytesRead.accept(length + 1L);
            counts.lines++;
            if (mapped == null) {
                counts.torn++;
                return;
            }
            if (!mapped.rejections().isEmpty()) {
                counts.rejections++;
            }
            for (Reading r : mapped.readings()) {
                counts.readings++;
                day.rows.add(r);
                budget.added();
            }
        }
    }

    /** An import's readings go to the day of their timestamp, when that day is being compacted. */
    private void readImport(LinePipeline pipeline, ImportFiles.Entry i, Map<LocalDate, Day> days, Budget budget,
                            LongConsumer bytesRead) throws IOException {
        pipeline.read(i.file(), i.bytes(), false, (offset, len, mapped) -> {
            bytesRead.accept(len + 1L);
            if (mapped == null) {
                return;
            }
            Day last = null;
            for (Reading r : mapped.readings()) {
                Day day = days.get(ImportFiles.dayOf(r));
                if (day == null || day.failure != null) {
                    continue;
                }
                if (day != last) {
                    day.counts.lines++;
                    last = day;
                }
                day.counts.readings++;
                day.rows.add(r);
                budget.added();
            }
        });
    }

    /** Writes the day's rows and rollups aside, checks them, and publishes them with their manifests. */
    private Result write(Day day, long started) throws IOException {
        LocalDate date = day.date;
        Counts counts = day.counts;
        Path target = measurements(lakeDir, date);
        Path rollupTarget = rollups(lakeDir, date);
        Path staged = ParquetFiles.staging(target);
        Path stagedRollups = ParquetFiles.staging(rollupTarget);
        try {
            HourlyRollup rollup = new HourlyRollup();
            try (ParquetWriter<KeyOrder.Row> out = ParquetFiles.measurementWriter(staged.resolve(ParquetFiles.PART))) {
                day.rows.drainConcurrently(new RowWriter(counts, out, rollup));
            }
            long rollupRows = writeRollups(stagedRollups.resolve(ParquetFiles.PART), rollup);
            verify(date, staged.resolve(ParquetFiles.PART), counts, rollup);
            Manifest manifest = new Manifest(date.toString(), day.sources, counts.lines, counts.readings, counts.written,
                    counts.duplicates, counts.rejections, counts.torn, rollupRows);
            manifest.write(staged);
            manifest.write(stagedRollups);
            long parquetBytes = Files.size(staged.resolve(ParquetFiles.PART));
            ParquetFiles.publish(staged, target);
            ParquetFiles.publish(stagedRollups, rollupTarget);
            long rawBytes = day.sources.stream().mapToLong(Manifest.Source::bytes).sum();
            return new Result(manifest, rawBytes, parquetBytes, (System.nanoTime() - started) / 1e9);
        } finally {
            ParquetFiles.deleteTree(staged);
            ParquetFiles.deleteTree(stagedRollups);
        }
    }

    /** Reads the written file's footer back: it must hold every distinct reading, and the rollups every value. */
    private static void verify(LocalDate day, Path file, Counts counts, HourlyRollup rollup) throws IOException {
        long inFile = ParquetFiles.rowCount(file);
        long distinct = counts.readings - counts.duplicates;
        if (inFile != distinct) {
            throw new IOException("compaction of " + day + ": " + file.getFileName() + " holds " + inFile
                    + " rows, but the raw files have " + distinct + " distinct readings; nothing published");
        }
        long rolledUp = rollup.cells().values().stream().mapToLong(c -> c.count).sum();
        if (rolledUp != counts.withValue) {
            throw new IOException("compaction of " + day + ": rollups count " + rolledUp + " values, the rows "
                    + counts.withValue + "; nothing published");
        }
    }

    private static final class Counts {
        long withValue;
        long lines;
        long readings;
        long duplicates;
        long written;
        long rejections;
        long torn;
    }

    /**
     * Writes each row unless an earlier one had its exact key, and rolls it up. A class rather
     * than a lambda calling a method: the row's path is one method the JIT compiles once (a
     * lambda, its body and the method it called were compiled each in turn, the whole Parquet
     * writer inlined into each, about 0.4 s of the C2 compiler in a 1M-line compaction).
     */
    private static final class RowWriter implements KeyOrder.Sink {
        private final Counts counts;
        private final ParquetWriter<KeyOrder.Row> out;
        private final HourlyRollup rollup;

        RowWriter(Counts counts, ParquetWriter<KeyOrder.Row> out, HourlyRollup rollup) {
            this.counts = counts;
            this.out = out;
            this.rollup = rollup;
        }

        @Override
        public void accept(KeyOrder.Row r, boolean duplicate) throws IOException {
            if (duplicate) {
                counts.duplicates++;
                return;
            }
            out.write(r);
            counts.written++;
            if (r.value() != null && r.quality() != Quality.MISSING_VALUE) {
                counts.withValue++;
            }
            rollup.add(r);
        }
    }

    private static long writeRollups(Path file, HourlyRollup rollup) throws IOException {
        try (ParquetWriter<GenericRecord> out = ParquetFiles.writer(file, LakeSchemas.ROLLUP)) {
            return rollup.writeTo(out);
        }
    }
}
