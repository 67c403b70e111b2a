package io.edgecollector.collector.lifecycle;

import java.time.Duration;
import org.slf4j.Logger;

/**
 * Logs a repeating failure at most once per interval, so an outage of hours gives a line
 * every 30 s instead of one per retry. Thread-safe.
 */
public final class RateLimitedLog {
    private final Logger log;
    private final long everyNanos;
    private long last;
    private boolean logged;

    public RateLimitedLog(Logger log, Duration every) {
        this.log = log;
        this.everyNanos = every.toNanos();
    }

    /** Logs at ERROR unless a line went out less than the interval ago; returns whether it logged. */
    public synchronized boolean error(String format, Object... args) {
        long now = System.nanoTime();
        if (logged && now - last < everyNanos) {
            return false;
        }
        logged = true;
        last = now;
        log.error(format, args);
        return true;
    }
}
