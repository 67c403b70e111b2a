package io.edgecollector.collector.metrics;

import io.edgecollector.collector.validate.Quality;

/** What the pipeline reports as it runs. Every method defaults to doing nothing. */
public interface Metrics {
    Metrics NOOP = new Metrics() {
    };

    default void messageReceived() {
    }

    default void messageRejected() {
    }

    default void messageRedelivered() {
    }

    default void readingAccepted(Quality quality) {
    }

    default void batchFlushed(int messages, long nanos) {
    }

    default void rawWriteFailed() {
    }

    default void brokerConnected(boolean reconnect) {
    }

    default void brokerDisconnected() {
    }

    default void rawLinesLoaded(long lines, long readings, long inserted, long rejections) {
    }

    default void loadFailed() {
    }
}
