package io.edgecollector.collector.sparkplug;

import java.util.HashMap;
import java.util.Map;

/**
 * Each edge node's last seq (0-255, shared by the node and its devices): a message whose seq
 * does not follow is a gap, some message was lost. An NBIRTH starts the count, an NDEATH ends it.
 * Not thread-safe.
 */
final class SeqTracker {
    private final Map<String, Long> last = new HashMap<>();

    /** Notes the message's seq; whether it shows a gap. */
    boolean gap(SparkplugTopic t, Long seq) {
        String node = t.nodeKey();
        switch (t.type()) {
            case "NBIRTH" -> {
                if (seq != null) {
                    last.put(node, seq);
                }
                return false;
            }
            case "NDEATH" -> {
                last.remove(node);
                return false;
            }
            case "NCMD", "DCMD", "STATE" -> {
                return false;
            }
            default -> {
                if (seq == null) {
                    return false;
                }
                Long before = last.put(node, seq);
                return before != null && seq != (before + 1) % 256;
            }
        }
    }
}
