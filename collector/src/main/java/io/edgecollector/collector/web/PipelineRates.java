package io.edgecollector.collector.web;

import io.edgecollector.collector.metrics.CollectorMetrics;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.LongSupplier;

/**
 * Messages in / acknowledged / loaded per second, from the counters sampled whenever the
 * status is asked for: the rate over the last {@link #WINDOW_NANOS} of samples (a page
 * refreshing every few seconds sees a smooth figure; no thread of its own).
 */
final class PipelineRates {
    private static final long WINDOW_NANOS = 15_000_000_000L;
    private static final long MIN_SPAN_NANOS = 500_000_000L;

    record Sample(long nanos, long received, long acked, long loaded) {
    }

    /** Per-second rates; NaN until two samples lie far enough apart. */
    record Rates(double receivedPerSecond, double ackedPerSecond, double loadedPerSecond) {
    }

    private final CollectorMetrics metrics;
    private final LongSupplier nanoTime;
    private final Deque<Sample> samples = new ArrayDeque<>();

    PipelineRates(CollectorMetrics metrics, LongSupplier nanoTime) {
        this.metrics = metrics;
        this.nanoTime = nanoTime;
    }

    synchronized Rates now() {
        Sample last = new Sample(nanoTime.getAsLong(), metrics.received(), metrics.acked(), metrics.linesLoaded());
        samples.addLast(last);
        while (samples.size() > 2 && last.nanos() - samples.peekFirst().nanos() > WINDOW_NANOS) {
            samples.removeFirst();
        }
        Sample first = samples.peekFirst();
        long span = last.nanos() - first.nanos();
        if (span < MIN_SPAN_NANOS) {
            return new Rates(Double.NaN, Double.NaN, Double.NaN);
        }
        double seconds = span / 1e9;
        return new Rates((last.received() - first.received()) / seconds, (last.acked() - first.acked()) / seconds,
                (last.loaded() - first.loaded()) / seconds);
    }
}
