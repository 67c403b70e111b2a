package io.edgecollector.collector.metrics;

import io.edgecollector.collector.validate.Quality;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/** Metrics kept as plain counters: enough for the status line and the demo summary. */
public class CountingMetrics implements Metrics {
    private final LongAdder received = new LongAdder();
    private final LongAdder rejectedMessages = new LongAdder();
    private final LongAdder acked = new LongAdder();
    private final LongAdder batches = new LongAdder();
    private final LongAdder rawWriteFailures = new LongAdder();
    private final LongAdder reconnects = new LongAdder();
    private final LongAdder linesLoaded = new LongAdder();
    private final LongAdder loadFailures = new LongAdder();
    private final Map<Quality, LongAdder> byQuality = new EnumMap<>(Quality.class);

    public CountingMetrics() {
        for (Quality q : Quality.values()) {
            byQuality.put(q, new LongAdder());
        }
    }

    @Override
    public void messageReceived() {
        received.increment();
    }

    @Override
    public void messageRejected() {
        rejectedMessages.increment();
    }

    @Override
    public void readingAccepted(Quality quality) {
        byQuality.get(quality).increment();
    }

    @Override
    public void batchFlushed(int messages, long nanos) {
        acked.add(messages);
        batches.increment();
    }

    @Override
    public void rawWriteFailed() {
        rawWriteFailures.increment();
    }

    @Override
    public void brokerConnected(boolean reconnect) {
        if (reconnect) {
            reconnects.increment();
        }
    }

    @Override
    public void rawLinesLoaded(long lines, long readings, long inserted, long rejections) {
        linesLoaded.add(lines);
    }

    @Override
    public void loadFailed() {
        loadFailures.increment();
    }

    public long received() {
        return received.sum();
    }

    public long rejectedMessages() {
        return rejectedMessages.sum();
    }

    public long acked() {
        return acked.sum();
    }

    public long batches() {
        return batches.sum();
    }

    public long rawWriteFailures() {
        return rawWriteFailures.sum();
    }

    public long reconnects() {
        return reconnects.sum();
    }

    public long linesLoaded() {
        return linesLoaded.sum();
    }

    public long loadFailures() {
        return loadFailures.sum();
    }

    public long readings(Quality q) {
        return byQuality.get(q).sum();
    }

    public long readings() {
        return byQuality.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
