package io.edgecollector.collector.metrics;

import io.edgecollector.collector.parse.RejectReason;
import io.edgecollector.collector.parse.Quality;

/** What the pipeline reports as it runs. Every method defaults to doing nothing. */
public interface Metrics {
    Metrics NOOP = new Metrics() {
    };

    default void messageReceived() {
    }

    default void messageRejected(RejectReason reason) {
    }

    default void messageRedelivered() {
    }

    default void readingAccepted(Quality quality) {
    }

    /** A batch is durable in the raw file and acknowledged. */
    default void batchFlushed(int messages, long nanos) {
    }

    default void rawWriteFailed() {
    }

    default void brokerConnected(boolean reconnect) {
    }

    default void brokerDisconnected() {
    }

    /** One loader transaction committed: raw lines, readings in them, rows inserted, rejections stored. */
    default void rawLinesLoaded(long lines, long readings, long inserted, long rejections, long nanos) {
    }

    default void loadFailed() {
    }

    /** An alert event is durable in the alert log (state: firing or resolved). */
    default void alertEvent(String rule, String state) {
    }

    /** An alert output (mqtt, webhook, postgres) failed to deliver; it retries. */
    default void alertDeliveryFailed(String output) {
    }

    /** One Kafka transaction committed: raw lines forwarded, reading records and dead letters in it. */
    default void kafkaForwarded(long lines, long readings, long rejections, long nanos) {
    }

    /** A POST /ingest answered with this status, and the readings accepted and rejections in its body (0 unless 202 or 400). */
    default void httpIngest(int status, int accepted, int rejected) {
    }

    /** A Kafka pass failed (retried with backoff) or stopped the daemon. */
    default void kafkaFailed() {
    }

    /** A Sparkplug edge node's seq skipped (a message lost) at intake. */
    default void sparkplugSeqGap() {
    }

    /** A rebirth request (NCMD Node Control/Rebirth) was published. */
    default void sparkplugRebirthRequested() {
    }

    /** An NBIRTH (device false) or DBIRTH took a node or device online at intake. */
    default void sparkplugBirth(boolean device) {
    }

    /** An NDEATH or DDEATH took a node or device offline at intake (an NDEATH counts its devices too). */
    default void sparkplugDeath(boolean device) {
    }

    /** A Sparkplug message or metric rejected at intake, by kind ({@code SparkplugRejections.LABELS}). */
    default void sparkplugRejected(String reason) {
    }
}
