package io.edgecollector.collector.buffer;

import io.edgecollector.collector.parse.Processed;
import io.edgecollector.collector.rawlog.RawLine;

/**
 * A received message waiting for its durable point: its raw line, what intake made of it (null
 * if nothing worth keeping) and how to acknowledge it.
 */
public record Pending(RawLine line, Processed processed, Ack ack, long enqueuedNanos) {
    /** Acknowledges one message to its source once its line is on disk. */
    public interface Ack {
        Ack NONE = () -> { };

        void ack();
    }
}
