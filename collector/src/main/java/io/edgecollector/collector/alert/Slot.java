package io.edgecollector.collector.alert;

import io.edgecollector.collector.config.AlertRule;

/**
 * The state of one (rule, sensor, metric): ok or firing. For a threshold held {@code for} a
 * while, since when the condition has held ({@link #NONE} when it does not); for a silence,
 * when the sensor was last heard (receipt time, ms) and the time of its last reading.
 */
final class Slot {
    static final long NONE = Long.MIN_VALUE;

    final AlertRule rule;
    final String sensorId;
    final String metric;
    /** The event that made it fire; null while ok. */
    AlertEvent fired;
    long pendingSince = NONE;
    long lastHeardMillis = NONE;
    long lastTsMillis = NONE;

    Slot(AlertRule rule, String sensorId, String metric) {
        this.rule = rule;
        this.sensorId = sensorId;
        this.metric = metric;
    }

    boolean firing() {
        return fired != null;
    }

    String key() {
        return key(rule.name(), sensorId, metric);
    }

    static String key(String rule, String sensorId, String metric) {
        return rule + '\u0000' + sensorId + '\u0000' + metric;
    }

    /** The metric a rule's state is kept for: a silence rule without a metric watches the whole sensor. */
    static String metricOf(AlertRule rule, String metric) {
        return rule.kind() == AlertRule.Kind.SILENCE && rule.metric() == null ? ANY_METRIC : metric;
    }

    /** The metric of a silence that watches every metric of a sensor. */
    static final String ANY_METRIC = "*";
}
