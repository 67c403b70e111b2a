package io.edgecollector.collector.sparkplug;

import java.util.HashMap;
import java.util.Map;

/**
 * Each edge node's last seq (0-255, shared by the node and its devices): a message whose seq
 * does not follow is a gap, some message was lost. An NBIRTH starts the count, an NDEATH ends it.
 * A message up to {@link #REPEAT_WINDOW} - 1 behind the last seq (or equal to it) is one seen
 * again, not a gap: after a crash between fsync and acknowledgement the broker delivers the last
 * messages again, and they are in the raw files already; it leaves the count where it was.
 * Intake's tracker is first fed every Sparkplug line of the raw files (in log order), so after a
 * restart the first message that continues the raw files' seq is no gap, and one that does not is.
 * Not thread-safe.
 */
final class SeqTracker {
    /** How far behind the last seq a message still counts as a repeat; gaps of 2 to 256 - this are seen. */
    static final int REPEAT_WINDOW = 64;

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
                Long before = last.get(node);
                if (before == null) {
                    last.put(node, seq);
                    return false;
                }
                long ahead = Math.floorMod(seq - before, 256L);
                if (ahead == 0 || ahead > 256 - REPEAT_WINDOW) {
                    return false; // delivered again
                }
                last.put(node, seq);
                return ahead != 1;
            }
        }
    }

    /** Takes the seqs a snapshot saved (before any message is seen). */
    void restore(Map<String, Long> seqs) {
        last.putAll(seqs);
    }

    /** Every node's last seq (for {@link BirthSnapshot}). */
    Map<String, Long> all() {
        return last;
    }

    /** The node's last seq, or null when none is known (tests). */
    Long last(String nodeKey) {
        return last.get(nodeKey);
    }
}
