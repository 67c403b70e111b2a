package io.edgecollector.collector.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;

/**
 * One transition of a (rule, sensor, metric): {@code firing} or {@code resolved}. The event id is
 * derived from what the event is about (rule, sensor, metric, state, reading time), so judging
 * the same readings again gives the same id: PostgreSQL keeps one row, receivers deduplicate.
 * value and limit may be null (a silence has no value); readingTs is the reading that decided.
 */
public record AlertEvent(String eventId, String rule, String sensorId, String metric, String state,
                         Double value, Double limit, Instant readingTs, Instant at) {
    public static final String FIRING = "firing";
    public static final String RESOLVED = "resolved";
    static final ObjectMapper JSON = new ObjectMapper();

    public static AlertEvent of(String rule, String sensorId, String metric, boolean firing, Double value,
                                Double limit, Instant readingTs, Instant at) {
        String state = firing ? FIRING : RESOLVED;
        String key = rule + '\u0000' + sensorId + '\u0000' + metric + '\u0000' + state + '\u0000' + readingTs;
        String id = UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
        return new AlertEvent(id, rule, sensorId, metric, state, value, limit, readingTs, at);
    }

    public boolean firing() {
        return FIRING.equals(state);
    }

    public ObjectNode toJson() {
        ObjectNode n = JSON.createObjectNode()
                .put("event_id", eventId).put("rule", rule).put("sensor_id", sensorId).put("metric", metric)
                .put("state", state);
        if (value == null) {
            n.putNull("value");
        } else {
            n.put("value", value);
        }
        if (limit == null) {
            n.putNull("limit");
        } else {
            n.put("limit", limit);
        }
        n.put("reading_ts", readingTs == null ? null : readingTs.toString());
        n.put("at", at.toString());
        return n;
    }

    public static AlertEvent fromJson(JsonNode n) {
        return new AlertEvent(n.get("event_id").asText(), n.get("rule").asText(), n.get("sensor_id").asText(),
                n.get("metric").asText(), n.get("state").asText(), number(n.get("value")), number(n.get("limit")),
                n.hasNonNull("reading_ts") ? Instant.parse(n.get("reading_ts").asText()) : null,
                Instant.parse(n.get("at").asText()));
    }

    private static Double number(JsonNode n) {
        return n == null || n.isNull() ? null : n.asDouble();
    }
}
