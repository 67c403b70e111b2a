package io.edgecollector.collector.postgres;

import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.Processed;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.rawlog.LineSource;
import io.edgecollector.collector.rawlog.RawChunk;
import io.edgecollector.collector.rawlog.RawLineCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongConsumer;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads one raw file into PostgreSQL from its checkpoint onwards, a chunk of lines per
 * transaction ({@link LoadTransaction}), the lines from a {@link LineSource}. Used by the
 * daemon's loader thread and by `collector replay`. A torn line (left by a crash mid-write;
 * its message was never acknowledged and came again) is skipped.
 */
public final class RawFileLoader {
    private static final Logger LOG = LoggerFactory.getLogger(RawFileLoader.class);
    static final int CHUNK_BYTES = 4 * 1024 * 1024;
    static final int CHUNK_LINES = 5_000;

    /** What loading a file did. */
    public record Result(long lines, long readings, long inserted, long rejections, long tornLines, long endOffset) {
        Result plus(Result o) {
            return new Result(lines + o.lines, readings + o.readings, inserted + o.inserted,
                    rejections + o.rejections, tornLines + o.tornLines, o.endOffset);
        }
    }

    private final DataSource pool;
    private final LineSource source;
    private final LoadTransaction copy;
    private final LoadTransaction.Mode mode;

    public RawFileLoader(DataSource pool, LineSource source) {
        this(pool, source, LoadTransaction.Mode.LIVE);
    }

    /** An import's loader in one of the import modes (see {@link LoadTransaction.Mode}). */
    public RawFileLoader(DataSource pool, LineSource source, LoadTransaction.Mode mode) {
        this(pool, source, mode, CommitOrder.ALONE);
    }

    /**
     * One of several loaders of consecutive parts of one file, on connections of their own,
     * whose transactions commit in the file's order ({@link CommitOrder}).
     */
    public RawFileLoader(DataSource pool, LineSource source, LoadTransaction.Mode mode, CommitOrder order) {
        this.pool = pool;
        this.source = source;
        this.mode = mode;
        this.copy = new LoadTransaction(mode, order);
    }

    /** Creates this month's and next month's partitions now, so loading never waits on DDL at a month's start. */
    public void ensurePartitionsAhead() throws SQLException {
        try (Connection c = pool.getConnection()) {
            copy.ensurePartitionsAhead(c, java.time.Clock.systemUTC());
        }
    }

    /** Prepares a pooled connection for loading (see {@link LoadTransaction#warmUp}). */
    public void warmUp() throws SQLException {
        try (Connection c = pool.getConnection()) {
            copy.warmUp(c);
        }
    }

    /**
     * Loads the file from the given offset (its checkpoint, or 0 to load it all again) to the
     * last whole line. Stops early and returns when stop() says so between chunks.
     */
    public Result load(Path file, long fromOffset, BooleanSupplier stop) throws IOException, SQLException {
        return load(file, fromOffset, stop, bytes -> { });
    }

    /** As above, telling bytesLoaded how many raw bytes each committed chunk covered. */
    public Result load(Path file, long fromOffset, BooleanSupplier stop, LongConsumer bytesLoaded)
            throws IOException, SQLException {
        return load(file, fromOffset, Long.MAX_VALUE, stop, bytesLoaded);
    }

    /**
     * As above, up to toOffset at most (a line boundary): a writer still appending to the file
     * has made only that much durable.
     */
    public Result load(Path file, long fromOffset, long toOffset, BooleanSupplier stop, LongConsumer bytesLoaded)
            throws IOException, SQLException {
        String name = file.getFileName().toString();
        if (mode == LoadTransaction.Mode.LIVE && name.startsWith("import_")) {
            refusePendingImport(name);
        }
        Result total = new Result(0, 0, 0, 0, 0, fromOffset);
        long offset = fromOffset;
        while (!stop.getAsBoolean() && Math.min(Files.size(file), toOffset) > offset) {
            int maxBytes = (int) Math.min(CHUNK_BYTES, toOffset - offset);
            LineSource.Lines lines = source.read(file, offset, maxBytes, CHUNK_LINES);
            RawChunk chunk = lines.chunk();
            if (chunk.lines().isEmpty()) {
                break;
            }
            Result r = loadChunk(name, lines);
            total = total.plus(r);
            bytesLoaded.accept(chunk.endOffset() - offset);
            offset = chunk.endOffset();
        }
        return total;
    }

    /**
     * An import whose rollups are filled at its end is finished by the import itself: loading
     * its lines the live way meanwhile would count their rollups twice.
     */
    private void refusePendingImport(String name) throws SQLException {
        try (Connection c = pool.getConnection()) {
            if (ImportRollup.state(c, name) == ImportRollup.State.PENDING) {
                throw new SQLException(name + ": an import is loading it and fills its 1-minute rollups when done;"
                        + " finish it by running the same `collector import` again", "55000");
            }
        }
    }

    private Result loadChunk(String name, LineSource.Lines lines) throws SQLException {
        RawChunk chunk = lines.chunk();
        List<Item> items = prepare(name, lines);
        int torn = (int) items.stream().filter(Item::torn).count();
        LoadBatch batch = batch(name, chunk.startOffset(), chunk.endOffset(), items);
        try (Connection c = pool.getConnection()) {
            int inserted = copy.load(c, batch);
            return new Result(batch.lines(), batch.readings().size(), inserted, batch.rejections().size(),
                    torn, chunk.endOffset());
        } catch (SQLException e) {
            if (!Sql.isDataError(e)) {
                throw e;
            }
            LOG.warn("event=batch_refused file={} offset={} cause=\"{}\"; loading its lines one by one",
                    name, chunk.startOffset(), e.getMessage());
            return loadOneByOne(name, chunk, items, torn);
        }
    }

    /**
     * The database refused something in the batch: load each line alone, so only a line the
     * database refuses is set aside, as a rejection that says why.
     */
    private Result loadOneByOne(String name, RawChunk chunk, List<Item> items, int torn) throws SQLException {
        long readings = 0;
        long inserted = 0;
        long rejections = 0;
        long end = 0;
        try (Connection c = pool.getConnection()) {
            for (Item item : items) {
                LoadBatch single = batch(name, item.offset(), item.end(), List.of(item));
                try {
                    inserted += copy.load(c, single);
                    readings += single.readings().size();
                    rejections += single.rejections().size();
                } catch (SQLException e) {
                    if (!Sql.isDataError(e)) {
                        throw e;
                    }
                    LoadBatch.Rejection refused = new LoadBatch.Rejection(item.receivedAt(), item.topic(),
                            payloadText(chunk, item.line()), "database refused the reading: " + e.getMessage(), item.offset(),
                            false);
                    copy.load(c, new LoadBatch(name, item.offset(), item.end(), 1, List.of(), List.of(refused)));
                    rejections++;
                }
                end = item.end();
            }
        }
        return new Result(items.size(), readings, inserted, rejections, torn, end);
    }

    /** One raw line: its readings and its rejection (or null); a torn line has neither. */
    private record Item(RawChunk.Line line, Instant receivedAt, String topic, List<Reading> readings,
                        LoadBatch.Rejection rejection, boolean torn) {
        long offset() {
            return line.fileOffset();
        }

        long end() {
            return line.fileOffset() + line.length() + 1;
        }
    }

    private static LoadBatch batch(String name, long from, long to, List<Item> items) {
        List<Reading> readings = new ArrayList<>();
        List<LoadBatch.Rejection> rejections = new ArrayList<>();
        for (Item i : items) {
            readings.addAll(i.readings());
            if (i.rejection() != null) {
                rejections.add(i.rejection());
            }
        }
        return new LoadBatch(name, from, to, items.size(), readings, rejections);
    }

    /** Items for the chunk's lines, from what intake made of them where known, else by reading each line back. */
    private static List<Item> prepare(String name, LineSource.Lines lines) {
        RawChunk chunk = lines.chunk();
        List<Item> items = new ArrayList<>(chunk.lines().size());
        for (int i = 0; i < chunk.lines().size(); i++) {
            RawChunk.Line line = chunk.lines().get(i);
            if (!(lines.record(i) instanceof LineSource.Whole whole)) {
                LOG.warn("event=torn_line_skipped file={} offset={}", name, line.fileOffset());
                items.add(new Item(line, null, null, List.of(), null, true));
                continue;
            }
            Processed p = whole.processed();
            MappedMessage mapped = p.result();
            LoadBatch.Rejection rejection = mapped.rejections().isEmpty() ? null : new LoadBatch.Rejection(
                    p.receivedAt(), p.topic(), payloadText(chunk, line),
                    String.join("; ", mapped.rejections()), line.fileOffset(), p.dup());
            items.add(new Item(line, p.receivedAt(), p.topic(), mapped.readings(), rejection, false));
        }
        return items;
    }

    private static String payloadText(RawChunk chunk, RawChunk.Line line) {
        try {
            return RawLineCodec.payloadText(chunk.buffer(), line.start(), line.length());
        } catch (IOException e) {
            return "";
        }
    }
}
