package io.edgecollector.collector.lake;

import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.rawlog.RawLineReader;
import io.edgecollector.collector.validate.MessageProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * Turns one closed day's raw files (every instance's) into the lake: the readings, parsed and
 * flagged by the same code path as ingestion, one row per key as in PostgreSQL, and hourly
 * rollups. Written aside, checked (rows written = distinct readings parsed), then published.
 */
public final class DayCompactor {
    private final Path rawDir;
    private final Path lakeDir;
    private final MessageProcessor processor;

    public DayCompactor(Path rawDir, Path lakeDir, MessageProcessor processor) {
        this.rawDir = rawDir;
        this.lakeDir = lakeDir;
        this.processor = processor;
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
        List<Path> files = RawFiles.ofDay(rawDir, day);
        if (files.isEmpty()) {
            return null;
        }
        long started = System.nanoTime();
        Path target = measurements(lakeDir, day);
        Path rollupTarget = rollups(lakeDir, day);
        Path staged = ParquetFiles.staging(target);
        Path stagedRollups = ParquetFiles.staging(rollupTarget);
        try {
            Counts counts = new Counts();
            HourlyRollup rollup = new HourlyRollup();
            List<Manifest.Source> sources = new ArrayList<>();
            try (ParquetWriter<GenericRecord> out = ParquetFiles.writer(staged.resolve(ParquetFiles.PART), LakeSchemas.MEASUREMENT)) {
                Set<Long> keys = new HashSet<>();
                GenericRecord row = new GenericData.Record(LakeSchemas.MEASUREMENT);
                for (Path f : files) {
                    sources.add(new Manifest.Source(f.getFileName().toString(), Files.size(f)));
                    long[] at = {0};
                    int tornTail = RawLineReader.read(f, (buf, off, len) -> {
                        line(f, at[0], buf, off, len, counts, keys, row, out, rollup);
                        at[0] += len + 1L;
                        bytesRead.accept(len + 1L);
                    });
                    if (tornTail > 0) {
                        counts.torn++;
                    }
                }
            }
            long rollupRows = writeRollups(stagedRollups.resolve(ParquetFiles.PART), rollup);
            verify(day, staged.resolve(ParquetFiles.PART), counts, rollup);
            Manifest manifest = new Manifest(day.toString(), sources, counts.lines, counts.readings, counts.written,
                    counts.duplicates, counts.rejections, counts.torn, rollupRows);
            manifest.write(staged);
            manifest.write(stagedRollups);
            long parquetBytes = Files.size(staged.resolve(ParquetFiles.PART));
            ParquetFiles.publish(staged, target);
            ParquetFiles.publish(stagedRollups, rollupTarget);
            long rawBytes = sources.stream().mapToLong(Manifest.Source::bytes).sum();
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

    private void line(Path file, long offset, byte[] buf, int off, int len, Counts counts, Set<Long> keys, GenericRecord row,
                      ParquetWriter<GenericRecord> out, HourlyRollup rollup) throws IOException {
        counts.lines++;
        RawMessage message;
        try {
            message = RawLineCodec.decode(buf, off, len);
        } catch (IOException e) {
            counts.torn++;
            return;
        }
        MappedMessage mapped = processor.process(message, file, offset, len);
        if (!mapped.rejections().isEmpty()) {
            counts.rejections++;
        }
        for (Reading r : mapped.readings()) {
            counts.readings++;
            if (!keys.add(key(r))) {
                counts.duplicates++;
                continue;
            }
            row.put("sensor_id", r.sensorId());
            row.put("metric", r.metric());
            row.put("ts", micros(r.ts()));
            row.put("value", r.value());
            row.put("unit", r.unit());
            row.put("quality", r.quality().label());
            row.put("topic", r.topic());
            row.put("received_at", micros(r.receivedAt()));
            out.write(row);
            counts.written++;
            if (r.value() != null && r.quality() != io.edgecollector.collector.validate.Quality.MISSING_VALUE) {
                counts.withValue++;
            }
            rollup.add(r);
        }
    }

    /** A 64-bit hash of the reading's key (sensor_id, metric, ts). */
    private static long key(Reading r) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, r.sensorId());
        h = fnv(h, "\u0000");
        h = fnv(h, r.metric());
        return h * 31 + micros(r.ts()) * 0x9E3779B97F4A7C15L;
    }

    private static long fnv(long h, String s) {
        for (int i = 0; i < s.length(); i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    private static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    private static long writeRollups(Path file, HourlyRollup rollup) throws IOException {
        long rows = 0;
        try (ParquetWriter<GenericRecord> out = ParquetFiles.writer(file, LakeSchemas.ROLLUP)) {
            GenericRecord row = new GenericData.Record(LakeSchemas.ROLLUP);
            for (Map.Entry<HourlyRollup.Key, HourlyRollup.Cell> e : rollup.cells().entrySet()) {
                HourlyRollup.Cell c = e.getValue();
                row.put("sensor_id", e.getKey().sensorId());
                row.put("metric", e.getKey().metric());
                row.put("hour", e.getKey().hourMicros());
                row.put("count", c.count);
                row.put("min", c.min);
                row.put("max", c.max);
                row.put("avg", c.sum / c.count);
                row.put("valid_count", c.valid);
                out.write(row);
                rows++;
            }
        }
        return rows;
    }
}
