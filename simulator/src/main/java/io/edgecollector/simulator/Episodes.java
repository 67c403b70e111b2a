package io.edgecollector.simulator;

import java.time.Duration;

/**
 * Scripted trouble for alert demos, repeating every period from the first reading: the first
 * sensor goes above its range's max (by a tenth of the span) in the second quarter of each
 * period, and the second sensor sends nothing in the third quarter. NONE: no episodes.
 */
public record Episodes(Duration period) {
    public static final Episodes NONE = new Episodes(Duration.ZERO);

    public boolean any() {
        return !period.isZero();
    }

    /** Whether the first sensor is over its limit, sinceStart into the run. */
    public boolean crossing(long sinceStartMillis) {
        return any() && quarter(sinceStartMillis) == 1;
    }

    /** Whether the second sensor is silent, sinceStart into the run. */
    public boolean silent(long sinceStartMillis) {
        return any() && quarter(sinceStartMillis) == 2;
    }

    private int quarter(long sinceStartMillis) {
        long p = period.toMillis();
        return (int) (Math.floorMod(sinceStartMillis, p) * 4 / p);
    }
}
