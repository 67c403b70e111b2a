package io.edgecollector.collector.sparkplug;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecollector.collector.rawlog.RawFiles;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;
import org.eclipse.tahu.message.model.MetricDataType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cache of what a scan of one instance's raw log up to a position gives (the births and deaths
 * of {@link BirthHistory}, and each node's last seq), so a reader that starts at or after that
 * position need not scan the earlier raw files again. It is never a source of truth: it is tied
 * to its position and checked against the raw files before use (the bytes just before the
 * position, and the set of earlier raw files), and discarded when anything differs: then the
 * reader scans as it would without one. So rows still follow from the raw files alone.
 * The daemon writes it ({@code .sparkplug-births[_<instance>].json} in the raw directory,
 * replaced atomically); replay and compaction only read it.
 */
final class BirthSnapshot {
    private static final Logger LOG = LoggerFactory.getLogger(BirthSnapshot.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    static final int VERSION = 1;
    /** How many bytes before the position are checked. */
    static final int TAIL = 4096;

    /** What a valid snapshot gives: the history and seqs of every line before at. */
    record Loaded(Position at, BirthHistory history, Map<String, Long> seqs) {
    }

    private BirthSnapshot() {
    }

    static Path file(Path rawDir, String instanceId) {
        return rawDir.resolve(".sparkplug-births" + (instanceId.isEmpty() ? "" : "_" + instanceId) + ".json");
    }

    /** Writes the state of every line before at (at: a position in a plain raw file of the instance). */
    static void write(Path rawDir, String instanceId, Position at, BirthHistory history, SeqTracker seqs) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("version", VERSION);
        root.put("file", at.file());
        root.put("offset", at.offset());
        root.put("tail_crc", tailCrc(rawDir.resolve(at.file()), at.offset()));
        ArrayNode files = root.putArray("files");
        earlierFiles(rawDir, instanceId, at).forEach(files::add);
        root.set("nodes", events(history.nodeEvents()));
        root.set("devices", events(history.deviceEvents()));
        ObjectNode order = root.putObject("device_order");
        history.deviceOrder().forEach((node, devices) -> devices.forEach(order.withArray(node)::add));
        ObjectNode seqNode = root.putObject("seqs");
        if (seqs != null) {
            seqs.all().forEach(seqNode::put);
        }
        Path target = file(rawDir, instanceId);
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(root));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /**
     * The snapshot of the instance's raw log, when there is one, it checks out against the raw
     * files, and it lies at or before firstAsk (a reader asking about an earlier line scans from
     * the start, so what it sees does not depend on the snapshot); else null.
     */
    static Loaded read(Path rawDir, String instanceId, Position firstAsk) {
        Path f = file(rawDir, instanceId);
        if (!Files.exists(f)) {
            return null;
        }
        try {
            JsonNode root = JSON.readTree(f.toFile());
            if (root == null || root.path("version").asInt() != VERSION) {
                return discarded(f, "another version");
            }
            Position at = new Position(root.path("file").asText(), root.path("offset").asLong());
            if (firstAsk.compareTo(at) < 0) {
                return null;
            }
            Path raw = rawDir.resolve(at.file());
            if (!Files.isRegularFile(raw) || Files.size(raw) < at.offset()
                    || tailCrc(raw, at.offset()) != root.path("tail_crc").asLong()) {
                return discarded(f, "the raw file " + at.file() + " does not have the same bytes before offset " + at.offset());
            }
            Set<String> then = new HashSet<>();
            root.path("files").forEach(n -> then.add(n.asText()));
            Set<String> now = new HashSet<>(earlierFiles(rawDir, instanceId, at));
            if (!then.equals(now)) {
                return discarded(f, "the raw files before " + at.file() + " are not the same (retention, or a file added)");
            }
            BirthHistory history = new BirthHistory();
            readEvents(root.path("nodes"), history.nodeEvents());
            readEvents(root.path("devices"), history.deviceEvents());
            root.path("device_order").fields().forEachRemaining(e -> {
                List<String> devices = new ArrayList<>();
                e.getValue().forEach(d -> devices.add(d.asText()));
                history.deviceOrder().put(e.getKey(), devices);
            });
            Map<String, Long> seqs = new HashMap<>();
            root.path("seqs").fields().forEachRemaining(e -> seqs.put(e.getKey(), e.getValue().asLong()));
            return new Loaded(at, history, seqs);
        } catch (IOException | RuntimeException e) {
            return discarded(f, e.toString());
        }
    }

    private static Loaded discarded(Path f, String why) {
        LOG.info("event=sparkplug_snapshot_discarded file={} cause=\"{}\"; reading the births from the raw files", f, why);
        return null;
    }

    /** Base names of the instance's raw files before at's file (compressed or not). */
    private static List<String> earlierFiles(Path rawDir, String instanceId, Position at) {
        Set<String> out = new TreeSet<>();
        for (var day : RawFiles.days(rawDir)) {
            for (Path p : RawFiles.ofDay(rawDir, day)) {
                if (instanceId.equals(RawFiles.instanceOf(p))) {
                    String base = Position.of(p.getFileName().toString(), 0).file();
                    if (base.compareTo(at.file()) < 0) {
                        out.add(base);
                    }
                }
            }
        }
        return new ArrayList<>(out);
    }

    private static long tailCrc(Path raw, long offset) throws IOException {
        int n = (int) Math.min(TAIL, offset);
        byte[] buf = new byte[n];
        try (RandomAccessFile r = new RandomAccessFile(raw.toFile(), "r")) {
            r.seek(offset - n);
            r.readFully(buf);
        }
        CRC32 crc = new CRC32();
        crc.update(buf);
        return crc.getValue();
    }

    private static ObjectNode events(Map<String, NavigableMap<Position, BirthHistory.Event>> byKey) {
        ObjectNode out = JSON.createObjectNode();
        byKey.forEach((key, events) -> {
            ArrayNode list = out.putArray(key);
            events.forEach((pos, event) -> {
                ObjectNode e = list.addObject().put("file", pos.file()).put("offset", pos.offset());
                Birth b = event.birth();
                if (b != null) {
                    ObjectNode birth = e.putObject("birth");
                    if (b.bdSeq() == null) {
                        birth.putNull("bd_seq");
                    } else {
                        birth.put("bd_seq", b.bdSeq());
                    }
                    ArrayNode names = birth.putArray("by_name");
                    b.byName().values().forEach(d -> def(names.addObject(), d));
                    ArrayNode aliases = birth.putArray("by_alias");
                    b.byAlias().forEach((alias, d) -> def(aliases.addObject().put("alias", alias), d));
                }
            });
        });
        return out;
    }

    private static void def(ObjectNode n, MetricDef d) {
        n.put("name", d.name()).put("type", d.type().name());
        if (d.unit() != null) {
            n.put("unit", d.unit());
        }
    }

    private static MetricDef def(JsonNode n) {
        return new MetricDef(n.path("name").asText(), MetricDataType.valueOf(n.path("type").asText()),
                n.hasNonNull("unit") ? n.get("unit").asText() : null);
    }

    private static void readEvents(JsonNode byKey, Map<String, NavigableMap<Position, BirthHistory.Event>> into) {
        byKey.fields().forEachRemaining(e -> {
            NavigableMap<Position, BirthHistory.Event> events = new java.util.TreeMap<>();
            for (JsonNode ev : e.getValue()) {
                Position pos = new Position(ev.path("file").asText(), ev.path("offset").asLong());
                JsonNode b = ev.get("birth");
                Birth birth = null;
                if (b != null && !b.isNull()) {
                    Map<String, MetricDef> byName = new HashMap<>();
                    b.path("by_name").forEach(n -> byName.put(n.path("name").asText(), def(n)));
                    Map<Long, MetricDef> byAlias = new HashMap<>();
                    b.path("by_alias").forEach(n -> byAlias.put(n.path("alias").asLong(), def(n)));
                    birth = new Birth(pos, byName, byAlias, b.hasNonNull("bd_seq") ? b.get("bd_seq").asLong() : null);
                }
                events.put(pos, new BirthHistory.Event(birth));
            }
            into.put(e.getKey(), events);
        });
    }
}
