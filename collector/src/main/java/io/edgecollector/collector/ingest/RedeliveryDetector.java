package io.edgecollector.collector.ingest;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * Tells which messages the broker is delivering again. When a session resumes, the broker
 * first resends what was in flight, unacknowledged, and only then sends new messages. The MQTT
 * DUP flag would mark those resends, but Paho's MQTT 5 client (1.2.5) does not pass it on, so
 * the collector recognises them itself: right after a connect, each message identical (topic,
 * QoS, payload) to one left unacknowledged on the previous connection (or, after a restart, to
 * one of the last lines of the raw file) counts as delivered again, until the first message
 * that is not one of those. A message a sensor really sends twice is never marked.
 */
public final class RedeliveryDetector {
    private final Map<Long, Integer> unacked = new HashMap<>();
    private final Map<Long, Integer> suspects = new HashMap<>();
    private boolean resending;

    /** After a restart: identities of the last lines written, some of which may come again. */
    public synchronized void seed(Collection<Long> identities) {
        identities.forEach(id -> suspects.merge(id, 1, Integer::sum));
    }

    /** A connection was made: what the previous one left unacknowledged may come first. */
    public synchronized void connected() {
        unacked.forEach((id, n) -> suspects.merge(id, n, Integer::sum));
        unacked.clear();
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

    /** The message was acknowledged to the broker: it will not come again. */
    public synchronized void acknowledged(long identity) {
        take(unacked, identity);
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
