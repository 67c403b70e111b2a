package io.edgecollector.collector.ingest;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Tells which messages the broker is delivering again. When a session resumes, the broker
 * first resends what was in flight, unacknowledged, and only then sends new messages. The MQTT
 * DUP flag would mark those resends, but Paho's MQTT 5 client (1.2.5) does not pass it on, so
 * the collector recognises them itself: right after a connect, each message identical (topic,
 * QoS, payload) to one the broker may still hold as unacknowledged counts as delivered again,
 * until the first message that is not one of those. A message a sensor really sends twice is
 * never marked.
 *
 * <p>The broker may hold as unacknowledged: what the previous connection never acknowledged;
 * what it acknowledged in its last moments (an acknowledgement handed to the socket just before
 * the connection dropped may never have reached the broker, which then resends the message:
 * the acknowledgements of the last {@link #LOST_ACK_WINDOW_NANOS} before the newest one count);
 * and, after a restart, any of the last lines of the raw file ({@link #seed}).
 */
public final class RedeliveryDetector {
    /**
     * How long before the newest acknowledgement of a connection an acknowledgement may still
     * have been lost with it: generous (a broker reads a PUBACK within milliseconds), since a
     * needless suspect only matters if the same message really comes first after a reconnect.
     */
    public static final Duration LOST_ACK_WINDOW = Duration.ofSeconds(2);
    static final long LOST_ACK_WINDOW_NANOS = LOST_ACK_WINDOW.toNanos();
    /** The most recent acknowledgements remembered: 512 KiB, 16 s at 2,000 msg/s. */
    public static final int RECENT_ACKS = 32_768;

    private final Map<Long, Integer> unacked = new HashMap<>();
    private final Map<Long, Integer> suspects = new HashMap<>();
    private final long[] recentIds = new long[RECENT_ACKS];
    private final long[] recentAt = new long[RECENT_ACKS];
    private int recentCount;
    private int recentNext;
    private final LongSupplier nanoClock;
    private boolean resending;

    public RedeliveryDetector() {
        this(System::nanoTime);
    }

    RedeliveryDetector(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    /** After a restart: identities of the last lines written, some of which may come again. */
    public synchronized void seed(Collection<Long> identities) {
        identities.forEach(id -> suspects.merge(id, 1, Integer::sum));
    }

    /**
     * A connection is being made: what the previous one left unacknowledged, or acknowledged in
     * its last moments, may come first.
     */
    public synchronized void connected() {
        unacked.forEach((id, n) -> suspects.merge(id, n, Integer::sum));
        unacked.clear();
        takeRecentAcks();
        resending = !suspects.isEmpty();
    }

    /** A message arrived: returns whether it is one the broker delivers again. */
    public synchronized boolean received(long identity) {
        unacked.merge(identity, 1, Integer::sum);
        if (!resending) {
            return false;
        }
        if (take(suspects, identity)) {
            return true;
        }
        resending = false;
        suspects.clear();
        return false;
    }

    /**
     * The message was acknowledged: {@code sent} says whether the acknowledgement went out. One
     * that did not (its connection was gone) leaves the message expected again.
     */
    public synchronized void acknowledged(long identity, boolean sent) {
        if (!sent) {
            return;
        }
        take(unacked, identity);
        recentIds[recentNext] = identity;
        recentAt[recentNext] = nanoClock.getAsLong();
        recentNext = (recentNext + 1) % RECENT_ACKS;
        recentCount = Math.min(recentCount + 1, RECENT_ACKS);
    }

    /** The acknowledgements within the window before the newest become suspects; all are forgotten. */
    private void takeRecentAcks() {
        if (recentCount == 0) {
            return;
        }
        int newest = Math.floorMod(recentNext - 1, RECENT_ACKS);
        long from = recentAt[newest] - LOST_ACK_WINDOW_NANOS;
        for (int i = 0, at = newest; i < recentCount && recentAt[at] - from >= 0; i++, at = Math.floorMod(at - 1, RECENT_ACKS)) {
            suspects.merge(recentIds[at], 1, Integer::sum);
        }
        recentCount = 0;
    }

    private static boolean take(Map<Long, Integer> multiset, long id) {
        Integer n = multiset.get(id);
        if (n == null) {
            return false;
        }
        if (n == 1) {
            multiset.remove(id);
        } else {
            multiset.put(id, n - 1);
        }
        return true;
    }
}
