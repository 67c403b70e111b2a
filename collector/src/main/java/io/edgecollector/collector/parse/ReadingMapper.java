package io.edgecollector.collector.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a decoded payload into readings, following the message contract: a single reading,
 * a multi-metric device object, an array of those, or a bare number whose ids come from the
 * topic template. A reading that names no metric (neither in the payload nor in the topic)
 * takes the configured default metric. Every part that cannot become a reading yields a
 * rejection naming the field.
 */
public final class ReadingMapper {
    public static final int MAX_ITEMS = 10_000;

    private static final List<String> ID_FIELDS = List.of("sensor_id", "device_id", "sensor", "id");
    private static final List<String> TS_FIELDS = List.of("ts", "timestamp", "time");
    private static final List<String> METRIC_FIELDS = List.of("metric", "type");
    private static final List<String> UNIT_FIELD = List.of("unit");
    private static final TopicTemplate.Ids NO_IDS = new TopicTemplate.Ids(null, null);
    private static final Set<String> NOT_METRICS = Set.of("sensor_id", "device_id", "sensor", "id",
            "ts", "timestamp", "time", "metric", "type", "unit", "value", "location",
            "lat", "lon", "lng", "latitude", "longitude", "topic");

    private final TopicTemplate template;
    private final String defaultMetric;

    public ReadingMapper(TopicTemplate template, String defaultMetric) {
        this.template = template;
        this.defaultMetric = defaultMetric;
    }

    public MappedMessage map(RawMessage message) {
        JsonNode payload = message.payload();
        if (payload == null) {
            return MappedMessage.rejected(message.error() == null ? "payload is not JSON" : message.error());
        }
        TopicTemplate.Ids ids = template.match(message.topic()).orElse(NO_IDS);
        List<Reading> readings = new ArrayList<>();
        List<String> rejections = new ArrayList<>();
        if (payload.isArray()) {
            mapArray(payload, ids, message, readings, rejections);
        } else if (payload.isObject()) {
            mapObject(payload, "", ids, message, readings, rejections);
        } else if (payload.isNumber() || payload.isNull() || payload.isTextual()) {
            mapBare(payload, ids, message, readings, rejections);
        } else {
            rejections.add("payload is " + Json.describe(payload) + "; expected an object, an array or a number");
        }
        return new MappedMessage(readings, rejections);
    }

    /**
     * The readings of a plain object ({@link PlainObject}) as {@link #map} would give them, without
     * its tree; null when map would reject any part of it, or an id, metric or unit is a number
     * other than an integer (only the tree knows how map writes it): the caller then takes the
     * tree path, which names what is wrong.
     */
    public MappedMessage mapPlain(PlainObject obj, String topic, Instant receivedAt) {
        TopicTemplate.Ids ids = template.match(topic).orElse(NO_IDS);
        try {
            String sensorId = plainText(obj, ID_FIELDS, ids.sensorId());
            int tsField = firstPresent(obj, TS_FIELDS);
            if (sensorId == null || tsField < 0) {
                return null;
            }
            Instant ts = switch (obj.kind(tsField)) {
                case NUMBER -> Timestamps.fromEpoch(obj.name(tsField), obj.number(tsField),
                        obj.isIntegral(tsField) ? obj.integer(tsField) : null);
                case TEXT -> Timestamps.fromText(obj.name(tsField), obj.text(tsField));
                default -> null;
            };
            if (ts == null) {
                return null;
            }
            Double lat = plainCoordinate(obj, "lat", "latitude");
            Double lon = plainCoordinate(obj, "lon", "lng", "longitude");
            int value = obj.index("value");
            if (value >= 0) {
                String metric = plainText(obj, METRIC_FIELDS, ids.metric() == null ? defaultMetric : ids.metric());
                return new MappedMessage(List.of(new Reading(sensorId, metric, ts, plainValue(obj, value),
                        plainText(obj, UNIT_FIELD, null), lat, lon, topic, receivedAt, null)), List.of());
            }
            List<Reading> readings = new ArrayList<>();
            for (int i = 0; i < obj.size(); i++) {
                PlainObject.Kind kind = obj.kind(i);
                if (!NOT_METRICS.contains(obj.name(i)) && (kind == PlainObject.Kind.NUMBER || kind == PlainObject.Kind.NULL)) {
                    readings.add(new Reading(sensorId, obj.name(i), ts, plainValue(obj, i), null, lat, lon,
                            topic, receivedAt, null));
                }
            }
            return readings.isEmpty() ? null : new MappedMessage(readings, List.of());
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String plainText(PlainObject obj, List<String> names, String fallback) {
        for (String name : names) {
            int i = obj.index(name);
            if (i >= 0 && obj.kind(i) != PlainObject.Kind.NULL) {
                if (obj.kind(i) == PlainObject.Kind.TEXT) {
                    return obj.text(i);
                }
                if (obj.kind(i) == PlainObject.Kind.NUMBER && obj.isIntegral(i)) {
                    return Long.toString(obj.integer(i));
                }
                throw new IllegalArgumentException(name);
            }
        }
        return fallback;
    }

    private static int firstPresent(PlainObject obj, List<String> names) {
        for (String name : names) {
            int i = obj.index(name);
            if (i >= 0 && obj.kind(i) != PlainObject.Kind.NULL) {
                return i;
            }
        }
        return -1;
    }

    private static Double plainCoordinate(PlainObject obj, String... names) {
        PlainObject location = obj.location();
        for (String name : names) {
            PlainObject in = location != null && location.index(name) >= 0 ? location : obj;
            int i = in.index(name);
            if (i >= 0 && in.kind(i) != PlainObject.Kind.NULL) {
                if (in.kind(i) != PlainObject.Kind.NUMBER) {
                    throw new IllegalArgumentException(name);
                }
                return in.number(i);
            }
        }
        return null;
    }

    private static Double plainValue(PlainObject obj, int i) {
        return switch (obj.kind(i)) {
            case NULL -> null;
            case NUMBER -> Double.isNaN(obj.number(i)) ? null : obj.number(i);
            case TEXT -> textValue(obj.text(i));
            default -> throw new IllegalArgumentException("value");
        };
    }

    private void mapArray(JsonNode array, TopicTemplate.Ids ids, RawMessage m,
                          List<Reading> readings, List<String> rejections) {
        if (array.isEmpty()) {
            rejections.add("payload is an empty array");
            return;
        }
        if (array.size() > MAX_ITEMS) {
            rejections.add("payload array has " + array.size() + " items (at most " + MAX_ITEMS + ")");
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            if (item.isObject()) {
                mapObject(item, "[" + i + "] ", ids, m, readings, rejections);
            } else {
                rejections.add("[" + i + "] expected an object, got " + Json.describe(item));
            }
        }
    }

    private void mapBare(JsonNode payload, TopicTemplate.Ids ids, RawMessage m,
                         List<Reading> readings, List<String> rejections) {
        if (ids.sensorId() == null) {
            rejections.add("a bare value needs sensor_id from the topic, but topic '"
                    + Json.abbreviate(m.topic()) + "' does not match topic_template");
            return;
        }
        String metric = ids.metric() == null ? defaultMetric : ids.metric();
        try {
            readings.add(new Reading(ids.sensorId(), metric, m.receivedAt(), value(payload),
                    null, null, null, m.topic(), m.receivedAt(), null));
        } catch (IllegalArgumentException e) {
            rejections.add(e.getMessage());
        }
    }

    private void mapObject(JsonNode obj, String where, TopicTemplate.Ids ids, RawMessage m,
                           List<Reading> readings, List<String> rejections) {
        try {
            String sensorId = text(obj, ID_FIELDS, ids.sensorId());
            if (sensorId == null) {
                throw new IllegalArgumentException("no sensor id (sensor_id, device_id, sensor or id) in payload or topic");
            }
            JsonNode tsNode = first(obj, TS_FIELDS);
            if (tsNode == null) {
                throw new IllegalArgumentException("no timestamp (ts, timestamp or time)");
            }
            Instant ts = Timestamps.parse(fieldName(obj, TS_FIELDS), tsNode);
            Double lat = coordinate(obj, "lat", "latitude");
            Double lon = coordinate(obj, "lon", "lng", "longitude");
            if (obj.has("value")) {
                String metric = text(obj, METRIC_FIELDS, ids.metric() == null ? defaultMetric : ids.metric());
                readings.add(new Reading(sensorId, metric, ts, value(obj.get("value")),
                        text(obj, UNIT_FIELD, null), lat, lon, m.topic(), m.receivedAt(), null));
                return;
            }
            int before = readings.size();
            Iterator<Map.Entry<String, JsonNode>> fields = obj.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> f = fields.next();
                JsonNode v = f.getValue();
                if (!NOT_METRICS.contains(f.getKey()) && (v.isNumber() || v.isNull())) {
                    readings.add(new Reading(sensorId, f.getKey(), ts, value(v), null, lat, lon,
                            m.topic(), m.receivedAt(), null));
                }
            }
            if (readings.size() == before) {
                throw new IllegalArgumentException("no 'value' field and no numeric metric fields");
            }
        } catch (IllegalArgumentException e) {
            rejections.add(where + e.getMessage());
        }
    }

    /** A reading's value: a number, null / "NaN" / "" for missing, or numeric text. */
    static Double value(JsonNode v) {
        if (v.isNull()) {
            return null;
        }
        if (v.isNumber()) {
            double d = v.asDouble();
            return Double.isNaN(d) ? null : d;
        }
        if (v.isTextual()) {
            try {
                return textValue(v.asText());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("value must be a number, got " + Json.describe(v));
            }
        }
        throw new IllegalArgumentException("value must be a number, got " + Json.describe(v));
    }

    /** Numeric text as a value: empty or "NaN" for missing; NumberFormatException for other text. */
    private static Double textValue(String text) {
        String t = text.trim();
        return t.isEmpty() || t.equalsIgnoreCase("nan") ? null : Double.valueOf(t);
    }

    private static String text(JsonNode obj, List<String> names, String fallback) {
        for (String name : names) {
            JsonNode v = obj.get(name);
            if (v != null && !v.isNull()) {
                if (v.isTextual() || v.isNumber()) {
                    return v.asText();
                }
                throw new IllegalArgumentException(name + " must be text, got " + Json.describe(v));
            }
        }
        return fallback;
    }

    private static JsonNode first(JsonNode obj, List<String> names) {
        for (String name : names) {
            JsonNode v = obj.get(name);
            if (v != null && !v.isNull()) {
                return v;
            }
        }
        return null;
    }

    private static String fieldName(JsonNode obj, List<String> names) {
        for (String name : names) {
            if (obj.hasNonNull(name)) {
                return name;
            }
        }
        return names.get(0);
    }

    private static Double coordinate(JsonNode obj, String... names) {
        JsonNode location = obj.get("location");
        for (String name : names) {
            JsonNode v = location != null && location.isObject() && location.has(name) ? location.get(name) : obj.get(name);
            if (v != null && !v.isNull()) {
                if (!v.isNumber()) {
                    throw new IllegalArgumentException(name + " must be a number, got " + Json.describe(v));
                }
                return v.asDouble();
            }
        }
        return null;
    }
}
