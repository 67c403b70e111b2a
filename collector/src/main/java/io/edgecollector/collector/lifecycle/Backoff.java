package io.edgecollector.collector.lifecycle;

import java.time.Duration;

/**
 * Capped exponential backoff: each {@link #next()} doubles the delay up to the cap;
 * {@link #reset()} after a success. One instance per retrying loop (not thread-safe).
 */
public final class Backoff {
    private final long initialMillis;
    private final long maxMillis;
    private long currentMillis;

    public Backoff(Duration initial, Duration max) {
        this.initialMillis = initial.toMillis();
        this.maxMillis = max.toMillis();
        this.currentMillis = initialMillis;
    }

    /** The delay to wait now; the one after it is twice as long, at most the cap. */
    public long next() {
        long delay = currentMillis;
        currentMillis = Math.min(currentMillis * 2, maxMillis);
        return delay;
    }

    /** The delay the next {@link #next()} returns. */
    public long peek() {
        return currentMillis;
    }

    public void reset() {
        currentMillis = initialMillis;
    }
}
