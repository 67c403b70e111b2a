package io.edgecollector.collector.sparkplug;

import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.RejectReason;
import io.edgecollector.collector.parse.StatefulMapper;
import io.edgecollector.collector.rawlog.RawFiles;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sparkplug B in the message path: what a message on {@code spBv1.0/...} means, from the
 * births before it in the raw log. A line read back (loader, replay, compaction) is mapped
 * by a {@link BirthTracker} of its instance's raw log at its position; a live message (intake)
 * by a tracker of this collector's raw log that has read every file and then sees the live
 * messages in the order they are written. Both follow the same lines in the same order, so
 * intake's view and what is loaded agree; only intake acts on what it sees: a seq gap, data
 * before birth or an unknown alias asks the node for a rebirth ({@link RebirthRequests}).
 */
public final class SparkplugState implements StatefulMapper {
    private static final Logger LOG = LoggerFactory.getLogger(SparkplugState.class);

    private final SparkplugMapper mapper = new SparkplugMapper();
    private final Map<String, BirthTracker> readers = new ConcurrentHashMap<>();
    private final SeqTracker seqs = new SeqTracker();
    private final BirthTracker live;
    private volatile Metrics metrics = Metrics.NOOP;
    private final Path rawDir;
    private final String instanceId;
    private volatile boolean writeSnapshots;
    private long liveCount;
    private volatile RebirthRequests rebirths = RebirthRequests.NONE;

    /** @param instanceId this collector's instance id ("" for none): whose raw files intake's state comes from */
    public SparkplugState(Path rawDir, String instanceId) {
        this.rawDir = rawDir.toAbsolutePath().normalize();
        this.instanceId = instanceId == null ? "" : instanceId;
        this.live = new BirthTracker(rawDir, this.instanceId, mapper, seqs);
    }

    /**
     * The daemon: the reader of this collector's own raw log (the loader's, alerting's and
     * Kafka's) saves a {@link BirthSnapshot} every few seconds, so the next start need not read
     * the births of every earlier raw file. Replay and compaction only read snapshots.
     */
    public void writeSnapshots() {
        this.writeSnapshots = true;
    }

    /** Saves the snapshot of the daemon's reader now (at a clean stop, after the loader stopped). */
    public void saveSnapshot() {
        readers.values().stream().filter(BirthTracker::writesSnapshots).forEach(BirthTracker::saveSnapshot);
    }

    /** Raw lines read by scans so far, every reader and intake together (tests). */
    long scannedLines() {
        return live.scanned() + readers.values().stream().mapToLong(BirthTracker::scanned).sum();
    }

    /** Where intake's Sparkplug counters go (births, deaths, seq gaps, rejections by reason). */
    public void reportTo(Metrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Nodes and devices online as intake sees them now, {nodes, devices}: the births and deaths
     * of the raw files and of every live message since (the first call reads the raw files).
     */
    public long[] online() {
        synchronized (this) {
            return live.online();
        }
    }

    /** Where intake's requests for a rebirth go (the host's MQTT connection). */
    public void requestRebirthsWith(RebirthRequests requests) {
        this.rebirths = requests;
    }

    @Override
    public boolean handles(String topic) {
        return SparkplugTopic.matches(topic);
    }

    @Override
    public MappedMessage map(RawMessage message, Path file, long offset, int length) {
        SparkplugTopic t = SparkplugTopic.parse(message.topic());
        if (t == null) {
            if (file == null) {
                metrics.sparkplugRejected(SparkplugRejections.BAD_TOPIC);
            }
            return new MappedMessage(List.of(), List.of(SparkplugRejections.BAD_TOPIC_TEXT), RejectReason.SPARKPLUG);
        }
        if (file != null) {
            // the births of a raw file are in the files of its directory and instance (replay may name any file)
            String instance = RawFiles.instanceOf(file);
            Path dir = file.toAbsolutePath().normalize().getParent();
            String inst = instance == null ? "" : instance;
            BirthTracker reader = readers.computeIfAbsent(dir + "\u0000" + inst, k -> {
                boolean own = writeSnapshots && dir.equals(rawDir) && inst.equals(instanceId);
                return new BirthTracker(dir, inst, mapper, own ? new SeqTracker() : null, own);
            });
            return reader.map(t, message, Position.of(file.getFileName().toString(), offset), length).mapped();
        }
        return live(t, message);
    }

    private MappedMessage live(SparkplugTopic t, RawMessage message) {
        SparkplugMapper.Outcome outcome;
        boolean gap;
        synchronized (this) {
            outcome = live.map(t, message, new Position(Position.LIVE, liveCount++), 0);
            gap = seqs.gap(t, outcome.seq());
        }
        count(t, outcome.mapped());
        if (gap) {
            metrics.sparkplugSeqGap();
            LOG.warn("event=sparkplug_seq_gap node={} seq={}", t.nodeKey(), outcome.seq());
        }
        if ((gap || outcome.rebirth()) && t.group() != null) {
            rebirths.request(t);
        }
        return outcome.mapped();
    }

    /** Intake's counters: births and deaths that took effect (status readings), rejections by reason. */
    private void count(SparkplugTopic t, MappedMessage mapped) {
        for (Reading r : mapped.readings()) {
            if (SparkplugMapper.ONLINE.equals(r.metric())) {
                boolean device = !r.sensorId().equals(t.nodeKey());
                if (r.value() != null && r.value() > 0) {
                    metrics.sparkplugBirth(device);
                } else {
                    metrics.sparkplugDeath(device);
                }
            }
        }
        for (String rejection : mapped.rejections()) {
            metrics.sparkplugRejected(SparkplugRejections.label(rejection));
        }
    }
}
