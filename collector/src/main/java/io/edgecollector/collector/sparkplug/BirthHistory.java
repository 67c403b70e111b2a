package io.edgecollector.collector.sparkplug;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * Births and deaths of edge nodes and devices by their position in the raw log, so the
 * state that holds at any line is a lookup, not a replay: the node's last birth or death
 * before the line, and the device's, which counts only when it came after the node's birth
 * (a new NBIRTH voids earlier DBIRTHs). Recording an event at a position is idempotent, so a
 * line read twice (a retried chunk, a scan over lines already seen) changes nothing.
 * Not thread-safe: one history per reader.
 */
final class BirthHistory {
    /**
     * Events kept per node or device. Readers ask about positions at or after the oldest line
     * they may still read (a loader's checkpoint); a node that rebirths this often within that
     * span would be asking for thousands of rebirths, so older events are forgotten.
     */
    static final int KEPT_PER_KEY = 64;

    /** A birth, or a death (birth null). */
    record Event(Birth birth) {
    }

    private final Map<String, NavigableMap<Position, Event>> nodes = new HashMap<>();
    private final Map<String, NavigableMap<Position, Event>> devices = new HashMap<>();
    private final Map<String, List<String>> devicesOfNode = new HashMap<>();

    /** The node's birth in force just before at, or null when it was never born or has died since. */
    Birth node(String nodeKey, Position at) {
        return before(nodes.get(nodeKey), at);
    }

    /** The device's birth in force just before at: null when none, dead, or older than the node's birth. */
    Birth device(String nodeKey, String device, Position at) {
        Birth node = node(nodeKey, at);
        Birth birth = before(devices.get(nodeKey + "/" + device), at);
        return node == null || birth == null || birth.at().compareTo(node.at()) < 0 ? null : birth;
    }

    /** The node's devices born and alive just before at, in the order they were first seen. */
    List<String> liveDevices(String nodeKey, Position at) {
        List<String> live = new ArrayList<>();
        for (String d : devicesOfNode.getOrDefault(nodeKey, List.of())) {
            if (device(nodeKey, d, at) != null) {
                live.add(d);
            }
        }
        return live;
    }

    /** How many nodes and devices are alive just before at: {nodes, devices}. */
    long[] alive(Position at) {
        long nodeCount = 0;
        long deviceCount = 0;
        for (String node : nodes.keySet()) {
            if (node(node, at) != null) {
                nodeCount++;
                deviceCount += liveDevices(node, at).size();
            }
        }
        return new long[] {nodeCount, deviceCount};
    }

    /** Each node's events, by position (for {@link BirthSnapshot}). */
    Map<String, NavigableMap<Position, Event>> nodeEvents() {
        return nodes;
    }

    /** Each device's events by "node key/device", by position (for {@link BirthSnapshot}). */
    Map<String, NavigableMap<Position, Event>> deviceEvents() {
        return devices;
    }

    /** Each node's devices in the order first seen (for {@link BirthSnapshot}). */
    Map<String, List<String>> deviceOrder() {
        return devicesOfNode;
    }

    void nodeBorn(String nodeKey, Birth birth) {
        record(nodes, nodeKey, birth.at(), new Event(birth));
    }

    void nodeDied(String nodeKey, Position at) {
        record(nodes, nodeKey, at, new Event(null));
    }

    void deviceBorn(String nodeKey, String device, Birth birth) {
        List<String> known = devicesOfNode.computeIfAbsent(nodeKey, k -> new ArrayList<>());
        if (!known.contains(device)) {
            known.add(device);
        }
        record(devices, nodeKey + "/" + device, birth.at(), new Event(birth));
    }

    void deviceDied(String nodeKey, String device, Position at) {
        record(devices, nodeKey + "/" + device, at, new Event(null));
    }

    private static Birth before(NavigableMap<Position, Event> events, Position at) {
        if (events == null) {
            return null;
        }
        Map.Entry<Position, Event> e = events.lowerEntry(at);
        return e == null ? null : e.getValue().birth();
    }

    private static void record(Map<String, NavigableMap<Position, Event>> byKey, String key, Position at, Event event) {
        NavigableMap<Position, Event> events = byKey.computeIfAbsent(key, k -> new TreeMap<>());
        events.put(at, event);
        while (events.size() > KEPT_PER_KEY) {
            events.pollFirstEntry();
        }
    }
}
