package io.edgecollector.collector.lifecycle;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The one polling wait, for conditions nothing signals (a count in another process, a metric). */
public final class Waits {
    private static final long POLL_MILLIS = 50;

    private Waits() {
    }

    /** Waits until the condition holds or the time is up; whether it holds. */
    public static boolean until(BooleanSupplier condition, Duration atMost) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, left / 1_000_000)));
        }
        return true;
    }
}
