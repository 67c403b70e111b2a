package io.edgecollector.collector.web;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;

/**
 * One /api/series question, checked and bounded: a sensor and metric, a range of at most
 * {@link #MAX_SPAN} ending no later than now (default: the last hour), and the resolution that
 * keeps the answer small: 1-minute rows up to {@link #MINUTE_ROWS_UP_TO} (at most 2,160
 * points), hourly rows beyond (at most 744).
 */
record SeriesRequest(String sensorId, String metric, Instant from, Instant to, boolean hourly, boolean capped) {
    static final Duration MAX_SPAN = Duration.ofDays(31);
    static final Duration MINUTE_ROWS_UP_TO = Duration.ofHours(36);
    static final Duration DEFAULT_SPAN = Duration.ofHours(1);

    /** @throws IllegalArgumentException with a message for the caller (a 400) */
    static SeriesRequest parse(Map<String, String> query, Instant now) {
        String sensor = required(query, "sensor_id");
        String metric = required(query, "metric");
        Instant to = instant(query, "to", now);
        Instant from = instant(query, "from", to.minus(DEFAULT_SPAN));
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
        boolean capped = Duration.between(from, to).compareTo(MAX_SPAN) > 0;
        if (capped) {
            from = to.minus(MAX_SPAN);
        }
        boolean hourly = Duration.between(from, to).compareTo(MINUTE_ROWS_UP_TO) > 0;
        return new SeriesRequest(sensor, metric, from, to, hourly, capped);
    }

    private static String required(Map<String, String> query, String name) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            throw new IllegalArgumentException(name + " is required");
        }
        if (v.length() > 512) {
            throw new IllegalArgumentException(name + " is longer than 512 characters");
        }
        return v;
    }

    /** ISO-8601 (2026-12-02T10:00:00Z) or epoch seconds. */
    private static Instant instant(Map<String, String> query, String name, Instant otherwise) {
        String v = query.get(name);
        if (v == null || v.isEmpty()) {
            return otherwise;
        }
        try {
            return v.chars().allMatch(Character::isDigit) ? Instant.ofEpochSecond(Long.parseLong(v)) : Instant.parse(v);
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be ISO-8601 (2026-12-02T10:00:00Z) or epoch seconds");
        }
    }
}
