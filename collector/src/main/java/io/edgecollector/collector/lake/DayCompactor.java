package io.edgecollector.collector.lake;

import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
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
import java.util.List;
import java.util.Map;
import java.util.function.LongConsumer;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;

/**
 * Turns one closed day's raw files (every instance's) into the lake: the readings, parsed and
 * flagged by the same code path as ingestion, one row per exact key (sensor_id, metric, ts) as
 * in PostgreSQL, in key order, and hourly rollups. Written aside, checked (rows written =
 * distinct readings parsed), then published.
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
    private final int runRows;

    public DayCompactor(Path rawDir, Path lakeDir, MessageProcessor processor) {
        this(rawDir, lakeDir, processor, RUN_ROWS);
    }

    /** With runRows rows held in memory at most while sorting (tests make it small to exercise the merge). */
    DayCompactor(Path rawDir, Path lakeDir, MessageProcessor processor, int runRows) {
        this.rawDir = rawDir;
        this.lakeDir = lakeDir;
        this.processor = processor;
        this.runRows = runRows;
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
        Path sorting = ParquetFiles.staging(target.resolveSibling("sort-" + target.getFileName()));
        try (KeyOrder rows = new KeyOrder(sorting, runRows)) {
            Counts counts = new Counts();
            HourlyRollup rollup = new HourlyRollup();
            List<Manifest.Source> sources = new ArrayList<>();
            for (Path f : files) {
                sources.add(new Manifest.Source(f.getFileName().toString(), Files.size(f)));
                long[] at = {0};
                int tornTail = RawLineReader.read(f, (buf, off, len) -> {
                    line(f, at[0], buf, off, len, counts, rows);
                    at[0] += len + 1L;
                    bytesRead.accept(len + 1L);
                });
                if (tornTail > 0) {
                    counts.torn++;
                }
            }
            try (ParquetWriter<GenericRecord> out = ParquetFiles.writer(staged.resolve(ParquetFiles.PART), LakeSchemas.MEASUREMENT)) {
                GenericRecord record = new GenericData.Record(LakeSchemas.MEASUREMENT);
                rows.drain((row, duplicate) -> write(row, duplicate, counts, record, out, rollup));
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
            ParquetFiles.deleteTree(sorting);
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

    private void line(Path file, long offset, byte[] buf, int off, int len, Counts counts, KeyOrder rows) throws IOException {
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
            rows.add(KeyOrder.Row.of(r));
        }
    }

    /** Writes a row unless an earlier one had its exact key, and rolls it up. */
    private static void write(KeyOrder.Row r, boolean duplicate, Counts counts, GenericRecord record,
                              ParquetWriter<GenericRecord> out, HourlyRollup rollup) throws IOException {
        if (duplicate) {
            counts.duplicates++;
            return;
        }
        record.put("sensor_id", r.sensorId());
        record.put("metric", r.metric());
        record.put("ts", r.tsMicros());
        record.put("value", r.value());
        record.put("unit", r.unit());
        record.put("quality", r.quality().label());
        record.put("topic", r.topic());
        record.put("received_at", r.receivedAtMicros());
        out.write(record);
        counts.written++;
        if (r.value() != null && r.quality() != Quality.MISSING_VALUE) {
            counts.withValue++;
        }
        rollup.add(r);
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
