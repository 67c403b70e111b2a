package io.edgecollector.collector.history;

import io.edgecollector.collector.parse.Processed;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.postgres.ImportRollup;
import io.edgecollector.collector.postgres.LoadTransaction;
import io.edgecollector.collector.postgres.RawFileLoader;
import io.edgecollector.collector.rawlog.HandedLines;
import io.edgecollector.collector.rawlog.ImportFiles;
import io.edgecollector.collector.rawlog.LineSource;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.rawlog.Written;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.parse.Quality;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongConsumer;
import javax.sql.DataSource;

/**
 * Imports one history file through the same path as live data: each of its lines becomes a
 * line of the import's own raw file ({@code <raw_dir>/import/import_<id>.jsonl}, topic
 * {@code import/<file name>}), appended and forced chunk by chunk, then loaded into
 * PostgreSQL from that file's checkpoint with quality flags. The raw file's name is the
 * import's identity (a hash of the file's bytes and of every option that changes what its lines
 * become), so importing the same file again writes nothing and loads nothing new; an import cut
 * short is finished by running it again (the lines it writes are the same bytes, from the same
 * received_at, kept in the raw file's first line).
 */
public final class HistoryImport {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(HistoryImport.class);
    /** Lines per forced chunk: small enough that the chunks in flight stay handed over (HandedLines holds 4 MB). */
    private static final int CHUNK_LINES = 2_000;
    private static final String DONE = ".done";
    /** Connections loading an import at once (the pool has three). */
    private static final int LOADERS = 2;

    /** What importing one file did. */
    public record Summary(Path rawFile, boolean alreadyImported, long sourceLines, long rawLines, long readings,
                          Map<Quality, Long> byQuality, long rejections, long newRows) {
    }

    /** Where the lines come from: a CSV layout, or JSONL when null. */
    private final CsvFormat csv;
    private final java.nio.charset.Charset charset;
    private final MessageProcessor processor;
    private final DataSource pool;
    private final Path importDir;
    private final int maxPayloadBytes;

    public HistoryImport(CsvFormat csv, java.nio.charset.Charset charset, MessageProcessor processor, DataSource pool,
                         Path rawDir, int maxPayloadBytes) {
        this.csv = csv;
        this.charset = charset;
        this.processor = processor;
        this.pool = pool;
        this.importDir = ImportFiles.dir(rawDir);
        this.maxPayloadBytes = maxPayloadBytes;
    }

    /** The import's raw file for this source file and these options. */
    public Path rawFileFor(Path source) throws IOException {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        sha.update((csv == null ? "jsonl" : csv.describe() + " charset=" + charset.name()).getBytes(StandardCharsets.UTF_8));
        try (var in = Files.newInputStream(source)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                sha.update(buf, 0, n);
            }
        }
        return importDir.resolve("import_" + HexFormat.of().formatHex(sha.digest(), 0, 8) + ".jsonl");
    }

    /** Imports the file (or finishes an import cut short); progress gets source bytes... as lines are loaded. */
    public Summary run(Path source, LongConsumer linesDone) throws IOException, SQLException {
        Files.createDirectories(importDir);
        Path raw = rawFileFor(source);
        Path done = raw.resolveSibling(raw.getFileName() + DONE);
        String topic = MessageProcessor.HISTORY_TOPIC_PREFIX + source.getFileName();
        HandedLines handed = new HandedLines();
        RawFileLoader loader = new RawFileLoader(pool, new LineSource(handed, processor));
        if (Files.exists(done)) {
            if (!Files.exists(raw)) { // retention removed it once its days were compacted and it was loaded
                return new Summary(raw, true, 0, 0, 0, Map.of(), 0, 0);
            }
            RawFileLoader.Result r = loader.load(raw, checkpoint(raw), () -> false);
            return new Summary(raw, true, 0, 0, r.readings(), Map.of(), r.rejections(), r.inserted());
        }
        Instant receivedAt = receivedAt(raw);
        long checkpoint = checkpoint(raw);
        String name = raw.getFileName().toString();
        // rollups with each chunk, unless the previous version began this import with them deferred to its end
        boolean deferRollups = ImportRollup.pending(pool, name);
        // two connections loading at once, except for an import the previous version began (its final rollup assumes one)
        ImportLoader follower = new ImportLoader(raw, order -> new RawFileLoader(pool, new LineSource(handed, processor),
                deferRollups ? LoadTransaction.Mode.IMPORT_DEFERRED : LoadTransaction.Mode.IMPORT, order),
                deferRollups ? 1 : LOADERS, checkpoint, linesDone);
        Writer writer = new Writer(raw, topic, receivedAt, handed, follower);
        long rollupNanos = 0;
        try {
            if (csv == null) {
                new JsonlSource(maxPayloadBytes).read(source, writer::accept);
            } else {
                new CsvSource(csv, charset).read(source, writer::accept);
            }
            writer.flush();
            follower.finish();
            if (deferRollups) {
                LocalDate first = writer.days.stream().min(LocalDate::compareTo).orElse(null);
                LocalDate last = writer.days.stream().max(LocalDate::compareTo).orElse(null);
                long start = System.nanoTime();
                int minutes = ImportRollup.finish(pool, name, topic, receivedAt, first, last);
                rollupNanos = System.nanoTime() - start;
                LOG.info("event=import_rollup file={} rows_1min={} ms={}", name, minutes, rollupNanos / 1_000_000);
            } else {
                ImportRollup.makeDurable(pool, name); // before .done: the chunks committed without waiting for the disk
            }
            LOG.info("event=import_loaded file={} load_ms={} writer_waited_ms={} rollup_ms={}", name,
                    follower.loadNanos() / 1_000_000, follower.waitNanos() / 1_000_000, rollupNanos / 1_000_000);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        } catch (UncheckedSqlException e) {
            throw e.getCause();
        } finally {
            follower.stop();
            writer.close();
        }
        ImportFiles.writeDays(raw, writer.position, writer.days);
        Files.writeString(done, writer.sourceLines + " lines\n");
        return new Summary(raw, false, writer.sourceLines, writer.rawLines, writer.readings, writer.byQuality,
                writer.rejections, follower.newRows());
    }

    private long checkpoint(Path raw) throws SQLException {
        try (var c = pool.getConnection()) {
            return io.edgecollector.collector.postgres.Checkpoints.of(c, raw.getFileName().toString());
        }
    }

    /** The received_at of an import cut short (its first line's), so its lines come out as the same bytes; else now. */
    private static Instant receivedAt(Path raw) throws IOException {
        if (Files.exists(raw) && Files.size(raw) > 0) {
            try (var reader = Files.newBufferedReader(raw)) {
                String first = reader.readLine();
                if (first != null) {
                    try {
                        byte[] b = first.getBytes(StandardCharsets.UTF_8);
                        return RawLineCodec.decode(b, 0, b.length).receivedAt();
                    } catch (IOException torn) {
                        // the only line is torn: nothing of it counts, start anew
                    }
                }
            }
        }
        return Instant.now().truncatedTo(ChronoUnit.MICROS);
    }

    static final class UncheckedSqlException extends RuntimeException {
        UncheckedSqlException(SQLException e) {
            super(e);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    /** Appends the lines chunk by chunk (skipping what an earlier, cut-short run already wrote), then loads each chunk. */
    private final class Writer implements AutoCloseable {
        private final Path raw;
        private final String topic;
        private final Instant receivedAt;
        private final HandedLines handed;
        private final ImportLoader follower;
        private final FileChannel channel;
        private final long alreadyWritten;
        private long position;
        private final List<RawLine> lines = new ArrayList<>();
        private final List<Processed> processed = new ArrayList<>();
        private long sourceLines;
        private long rawLines;
        private long readings;
        private long rejections;
        private final Map<Quality, Long> byQuality = new EnumMap<>(Quality.class);
        /** The UTC days of the readings' timestamps: their lake partitions. */
        private final Set<LocalDate> days = new HashSet<>();

        Writer(Path raw, String topic, Instant receivedAt, HandedLines handed, ImportLoader follower) throws IOException {
            this.raw = raw;
            this.topic = topic;
            this.receivedAt = receivedAt;
            this.handed = handed;
            this.follower = follower;
            this.channel = FileChannel.open(raw, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            this.alreadyWritten = Files.exists(raw) ? RawFiles.wholeLinesEnd(raw) : 0;
            channel.truncate(alreadyWritten);
        }

        void accept(SourceLine line) {
            sourceLines++;
            if (line.payload() != null) {
                byte[] payload = line.payload().toString().getBytes(StandardCharsets.UTF_8);
                add(RawLineCodec.encode(receivedAt, topic, 1, payload, true, null),
                        new RawMessage(receivedAt, topic, 1, false, line.payload(), null));
            }
            if (!line.errors().isEmpty()) {
                String reason = String.join("; ", line.errors());
                add(RawLineCodec.encode(receivedAt, topic, 1, line.text().getBytes(StandardCharsets.UTF_8), false, reason),
                        new RawMessage(receivedAt, topic, 1, false, null, reason));
            }
            if (lines.size() >= CHUNK_LINES) {
                flush();
            }
        }

        private void add(RawLine line, RawMessage message) {
            lines.add(line);
            processed.add(new Processed(receivedAt, topic, false, processor.process(message)));
        }

        void flush() {
            try {
                write();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private void write() throws IOException {
            List<RawLine> fresh = new ArrayList<>();
            List<Processed> freshProcessed = new ArrayList<>();
            long start = -1;
            for (int i = 0; i < lines.size(); i++) {
                RawLine l = lines.get(i);
                if (position >= alreadyWritten) {
                    if (start < 0) {
                        start = position;
                    }
                    fresh.add(l);
                    freshProcessed.add(processed.get(i));
                }
                position += l.bytes().length;
                count(processed.get(i));
            }
            if (!fresh.isEmpty()) {
                ByteBuffer[] buffers = fresh.stream().map(l -> ByteBuffer.wrap(l.bytes())).toArray(ByteBuffer[]::new);
                channel.position(start);
                while (java.util.Arrays.stream(buffers).anyMatch(ByteBuffer::hasRemaining)) {
                    channel.write(buffers);
                }
                channel.force(false);
                handed.add(new Written(raw, start, position, fresh, freshProcessed));
            }
            rawLines += lines.size();
            follower.durableUpTo(position, lines.size());
            lines.clear();
            processed.clear();
        }

        private void count(Processed p) {
            List<Reading> rs = p.result().readings();
            readings += rs.size();
            for (Reading r : rs) {
                byQuality.merge(r.quality(), 1L, Long::sum);
                days.add(ImportFiles.dayOf(r));
            }
            if (!p.result().rejections().isEmpty()) {
                rejections++;
            }
        }

        @Override
        public void close() throws IOException {
            channel.close();
        }
    }
}
