package io.edgecollector.collector.buffer;

import io.edgecollector.collector.parse.Processed;
import io.edgecollector.collector.rawlog.RawLine;

/**
 * A received message waiting for its durable point: its raw line, what intake made of it (null
 * if nothing worth keeping), how to acknowledge it and, for a message whose sender waits for the
 * answer (an HTTP request), that request.
 */
public record Pending(RawLine line, Processed processed, Ack ack, long enqueuedNanos, Request request) {
    /** A message of a source that redelivers what it was not told is durable (MQTT). */
    public Pending(RawLine line, Processed processed, Ack ack, long enqueuedNanos) {
        this(line, processed, ack, enqueuedNanos, null);
    }

    /** Acknowledges one message to its source once its line is on disk. */
    public interface Ack {
        /** Nothing to tell the source (QoS 0, or a sender told otherwise). */
        Ack NONE = () -> true;

        /**
         * Tells the source the message is durable. Returns whether the acknowledgement went out:
         * false when it could not (the connection the message came on is gone), so the source
         * will deliver the message again.
         */
        boolean ack();
    }

    /**
     * A sender waiting for its answer (HTTP). Its lines are queued together, written in one batch
     * (never split across two), and flushed without waiting for the flush interval (group commit).
     * When the raw log refuses the batch, its lines are taken out and {@link #refused} is called
     * instead of being retried: the sender was told nothing was accepted, so nothing of it may land.
     */
    public interface Request {
        /** Nothing of the request was written; called at most once, from the writer's thread. */
        void refused(String cause);
    }
}
