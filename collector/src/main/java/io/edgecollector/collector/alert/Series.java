package io.edgecollector.collector.alert;

import java.time.Instant;

/**
 * One (sensor, metric): its newest reading time and value, and the states of its rules. Times are
 * epoch microseconds, the grain of a reading's timestamp: two readings in the same millisecond
 * (a Sparkplug birth and death, say) are two readings, not a repeat.
 */
final class Series {
    final String sensorId;
    final String metric;
    long lastTsMicros = Slot.NONE;
    long lastValueTsMicros = Slot.NONE;
    double lastValue;
    Slot[] slots;

    static long micros(Instant ts) {
        return Math.addExact(Math.multiplyExact(ts.getEpochSecond(), 1_000_000L), ts.getNano() / 1000);
    }

    Series(String sensorId, String metric, Slot[] slots) {
        this.sensorId = sensorId;
        this.metric = metric;
        this.slots = slots;
    }
}
