package io.edgecollector.collector.config;

import java.time.Duration;

/**
 * One alert rule as configured. Null means "not set": sensors null matches every sensor, metric
 * null every metric. Exactly one kind of condition is set: a threshold (above and/or below,
 * with their clear levels, optionally held {@code forDuration}), a rate, or a silence.
 * Two rules are the same rule when every field is equal (a reload keeps such a rule's state).
 */
public record AlertRule(String name, String sensors, String metric, Double above, Double clearBelow,
                        Double below, Double clearAbove, Duration forDuration, Double rateAbove, Duration silentFor) {

    /** What a rule watches. */
    public enum Kind { THRESHOLD, RATE, SILENCE }

    public Kind kind() {
        if (silentFor != null) {
            return Kind.SILENCE;
        }
        return rateAbove != null ? Kind.RATE : Kind.THRESHOLD;
    }

    /** The level below which an above-alert resolves: clear_below, or the limit itself. */
    public double clearBelowOrLimit() {
        return clearBelow != null ? clearBelow : above;
    }

    /** The level above which a below-alert resolves: clear_above, or the limit itself. */
    public double clearAboveOrLimit() {
        return clearAbove != null ? clearAbove : below;
    }

    public long forMillis() {
        return forDuration == null ? 0 : forDuration.toMillis();
    }
}
