package io.edgecollector.collector.it.endurance;

import java.nio.charset.StandardCharsets;

/**
 * Message n of an endurance run, so that whatever the collector stored can be traced back to the
 * message it came from: each reading has a key of its own (sensor e0..e9 by n, time by n), 2% of
 * the messages are bad (a rejection whose payload names n), and 1% repeat the reading before them
 * (sent twice on purpose: one row).
 */
final class Traffic {
    static final int SENSORS = 10;
    /** Each sensor's readings are this far apart: 10 sensors every 5 ms keep time at 2,000 msg/s. */
    static final long STEP_MILLIS = 5;

    enum Kind { READING, BAD, REPEAT }

    private final String prefix;
    private final long startMillis;

    Traffic(String prefix, long startMillis) {
        this.prefix = prefix;
        this.startMillis = startMillis;
    }

    static Kind kind(long n) {
        if (n % 50 == 7) {
            return Kind.BAD;
        }
        return n % 100 == 3 ? Kind.REPEAT : Kind.READING;
    }

    /** The message whose reading message n carries (itself, or the one it repeats). */
    static long readingOf(long n) {
        return kind(n) == Kind.REPEAT ? n - 1 : n;
    }

    String filter() {
        return prefix + "/#";
    }

    String template() {
        return prefix + "/{sensor_id}/{metric}";
    }

    String topic(long n) {
        return prefix + "/e" + readingOf(n) % SENSORS + "/temperature";
    }

    byte[] payload(long n) {
        long r = readingOf(n);
        long ts = startMillis + r / SENSORS * STEP_MILLIS;
        String sensor = "e" + r % SENSORS;
        String text = switch (kind(n)) {
            case BAD -> n % 100 == 7 ? "bad " + n + " is not JSON"
                    : "{\"sensor_id\":\"" + sensor + "\",\"type\":\"temperature\",\"value\":\"warm\",\"bad\":" + n
                    + ",\"timestamp\":" + ts + "}";
            case READING, REPEAT -> "{\"sensor_id\":\"" + sensor + "\",\"type\":\"temperature\",\"value\":"
                    + (20 + r % 100 / 10.0) + ",\"unit\":\"C\",\"timestamp\":" + ts + "}";
        };
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The message a stored row came from, or -1 if none of this run's messages has its key. */
    long messageOfRow(String sensorId, long tsMillis) {
        if (!sensorId.matches("e\\d") || (tsMillis - startMillis) % STEP_MILLIS != 0 || tsMillis < startMillis) {
            return -1;
        }
        long n = (tsMillis - startMillis) / STEP_MILLIS * SENSORS + Integer.parseInt(sensorId.substring(1));
        return kind(n) == Kind.READING ? n : -1;
    }

    /** The message a stored rejection came from, or -1. */
    static long messageOfRejection(String payload) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("^bad (\\d+) |\"bad\":(\\d+),").matcher(payload);
        if (!m.find()) {
            return -1;
        }
        long n = Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
        return kind(n) == Kind.BAD ? n : -1;
    }
}
