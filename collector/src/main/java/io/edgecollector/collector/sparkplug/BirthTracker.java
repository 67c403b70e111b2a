package io.edgecollector.collector.sparkplug;

import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.rawlog.RawChunk;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.rawlog.RawLineReader;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;

/**
 * The births and deaths of one instance's raw log as one reader (the loader, replay,
 * compaction, or intake) goes through it. Before a line is mapped, every birth and death
 * before it is recorded: the lines between the last one this tracker saw and the asked
 * position are scanned from the raw files (earlier days' files included, compressed or not),
 * reading only lines whose topic names a birth or death. So what a line means depends on the
 * raw files alone, whichever reader asks, in whatever order, after whatever crash.
 */
final class BirthTracker {
    private static final byte[] TOPIC = "\"topic\":\"spBv1.0/".getBytes(StandardCharsets.UTF_8);
    private static final byte[] BIRTH = "BIRTH/".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DEATH = "DEATH/".getBytes(StandardCharsets.UTF_8);
    private static final int SCAN_BYTES = 4 * 1024 * 1024;
    private static final int SCAN_LINES = 10_000;

    private final Path rawDir;
    private final String instanceId;
    private final SparkplugMapper mapper;
    /** How often the daemon's reader saves a {@link BirthSnapshot}. */
    static final long SNAPSHOT_NANOS = java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BirthTracker.class);

    private BirthHistory history = new BirthHistory();
    /** seq counts fed every Sparkplug line in log order (intake's, and the snapshot writer's); null for other readers. */
    private final SeqTracker seqs;
    /** Whether this reader saves snapshots of its state (the daemon's own instance). */
    private final boolean writesSnapshots;
    private long lastSnapshot = System.nanoTime();
    private boolean snapshotTried;
    private boolean snapshotFailed;
    /** Raw lines this reader went through in scans (tests: whether a snapshot spared them). */
    private long scanned;
    /** Every line before this has been seen. */
    private Position frontier = new Position("", 0);

    BirthTracker(Path rawDir, String instanceId, SparkplugMapper mapper) {
        this(rawDir, instanceId, mapper, null);
    }

    /** @param seqs fed the seq of every Sparkplug line scanned (intake's tracker), or null */
    BirthTracker(Path rawDir, String instanceId, SparkplugMapper mapper, SeqTracker seqs) {
        this(rawDir, instanceId, mapper, seqs, false);
    }

    /** @param writesSnapshots whether to save a {@link BirthSnapshot} every {@link #SNAPSHOT_NANOS} (with seqs) */
    BirthTracker(Path rawDir, String instanceId, SparkplugMapper mapper, SeqTracker seqs, boolean writesSnapshots) {
        this.rawDir = rawDir;
        this.instanceId = instanceId;
        this.mapper = mapper;
        this.seqs = seqs;
        this.writesSnapshots = writesSnapshots;
    }

    /** Nodes and devices alive after every line seen so far: {nodes, devices}. */
    synchronized long[] online() {
        catchUp(new Position(Position.LIVE, 0));
        return history.alive(frontier);
    }

    /** Maps the line at (file, offset), length bytes long, with every birth and death before it known. */
    synchronized SparkplugMapper.Outcome map(SparkplugTopic t, RawMessage m, Position at, int length) {
        catchUp(at);
        SparkplugMapper.Outcome outcome = mapper.map(t, m, history, at);
        if (at.equals(frontier)) {
            frontier = new Position(at.file(), at.offset() + length + 1L);
            if (seqs != null && !at.file().equals(Position.LIVE)) {
                seqs.gap(t, outcome.seq()); // intake counts its live messages itself
            }
            if (writesSnapshots && System.nanoTime() - lastSnapshot >= SNAPSHOT_NANOS) {
                saveSnapshot();
            }
        }
        return outcome;
    }

    synchronized long scanned() {
        return scanned;
    }

    boolean writesSnapshots() {
        return writesSnapshots;
    }

    /** Saves the state before the frontier (a cache; a failure only means a longer scan at the next start). */
    synchronized void saveSnapshot() {
        lastSnapshot = System.nanoTime();
        if (frontier.file().isEmpty() || frontier.file().equals(Position.LIVE)) {
            return;
        }
        try {
            BirthSnapshot.write(rawDir, instanceId, frontier, history, seqs);
        } catch (IOException | RuntimeException e) {
            if (!snapshotFailed) {
                snapshotFailed = true;
                LOG.warn("event=sparkplug_snapshot_failed dir={} cause=\"{}\"; the next start reads the births from the raw files",
                        rawDir, e.toString());
            }
        }
    }

    /** Records the births and deaths of every line before at not seen yet. */
    private void catchUp(Position at) {
        if (at.compareTo(frontier) <= 0) {
            return;
        }
        if (!snapshotTried) {
            // the first line asked: start from a snapshot at or before it, when one checks out
            snapshotTried = true;
            BirthSnapshot.Loaded loaded = BirthSnapshot.read(rawDir, instanceId, at);
            if (loaded != null) {
                history = loaded.history();
                if (seqs != null) {
                    seqs.restore(loaded.seqs());
                }
                frontier = loaded.at();
                LOG.info("event=sparkplug_snapshot_used dir={} from={}:{}", rawDir, frontier.file(), frontier.offset());
                if (at.compareTo(frontier) <= 0) {
                    return;
                }
            }
        }
        try {
            if (!at.file().equals(frontier.file())) {
                for (Path f : files()) {
                    String base = Position.of(f.getFileName().toString(), 0).file();
                    if (base.compareTo(frontier.file()) >= 0 && base.compareTo(at.file()) < 0) {
                        scan(f, base.equals(frontier.file()) ? frontier.offset() : 0, Long.MAX_VALUE);
                    }
                }
                frontier = new Position(at.file(), 0);
            }
            if (!at.file().equals(Position.LIVE) && at.offset() > frontier.offset()) {
                scan(fileOf(at.file()), frontier.offset(), at.offset());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read births from raw files in " + rawDir, e);
        }
        frontier = at;
    }

    /** This instance's raw files, oldest day first, compressed or not. */
    private List<Path> files() {
        List<Path> files = new ArrayList<>();
        for (LocalDate day : RawFiles.days(rawDir)) {
            for (Path f : RawFiles.ofDay(rawDir, day)) {
                if (instanceId.equals(RawFiles.instanceOf(f))) {
                    files.add(f);
                }
            }
        }
        return files;
    }

    private Path fileOf(String base) {
        Path plain = rawDir.resolve(base);
        Path gz = rawDir.resolve(base + ".gz");
        return Files.exists(plain) || !Files.exists(gz) ? plain : gz;
    }

    private void scan(Path f, long from, long to) throws IOException {
        if (!Files.exists(f)) {
            return;
        }
        String name = f.getFileName().toString();
        if (RawFiles.isCompressed(f)) {
            long[] offset = {0};
            RawLineReader.read(f, (buf, start, len) -> {
                if (offset[0] >= from && offset[0] < to) {
                    line(name, offset[0], buf, start, len);
                }
                offset[0] += len + 1L;
            });
            return;
        }
        long offset = from;
        while (offset < to) {
            RawChunk chunk = RawChunk.read(f, offset, SCAN_BYTES, SCAN_LINES);
            if (chunk.lines().isEmpty()) {
                return;
            }
            for (RawChunk.Line l : chunk.lines()) {
                if (l.fileOffset() >= to) {
                    return;
                }
                line(name, l.fileOffset(), chunk.buffer(), l.start(), l.length());
            }
            offset = chunk.endOffset();
        }
    }

    /**
     * Records the line's birth or death, if it is one; other lines do not change the state.
     * Intake's tracker also notes every Sparkplug line's seq (its gaps were acted on when it was live).
     */
    private void line(String name, long offset, byte[] buf, int start, int len) {
        scanned++;
        int topic = RawLineCodec.indexOf(buf, start, start + len, TOPIC);
        if (topic < 0) {
            return;
        }
        boolean event = RawLineCodec.indexOf(buf, topic, start + len, BIRTH) >= 0 || RawLineCodec.indexOf(buf, topic, start + len, DEATH) >= 0;
        if (!event && seqs == null) {
            return;
        }
        RawMessage m;
        try {
            m = RawLineCodec.decode(buf, start, len);
        } catch (IOException e) {
            return; // a torn line: its message was never acknowledged and came again
        }
        SparkplugTopic t = SparkplugTopic.parse(m.topic());
        if (t == null || t.group() == null) {
            return;
        }
        if (t.type().endsWith("BIRTH") || t.type().endsWith("DEATH")) {
            SparkplugMapper.Outcome outcome = mapper.map(t, m, history, Position.of(name, offset));
            if (seqs != null) {
                seqs.gap(t, outcome.seq());
            }
        } else if (seqs != null) {
            seqs.gap(t, seqOf(m));
        }
    }

    /** The payload's seq, or null when it has none or is not Sparkplug B. */
    private static Long seqOf(RawMessage m) {
        if (m.binary() == null) {
            return null;
        }
        try {
            Payload p = Payload.parseFrom(m.binary());
            return p.hasSeq() ? p.getSeq() : null;
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }
}
