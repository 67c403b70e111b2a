package io.edgecollector.collector.alert;

import io.edgecollector.collector.config.AlertRule;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The evaluator's whole state as JSON (rules, series, slots) and back, for the alert snapshot.
 * Restoring takes the rules the state was made under, then reloads the current rules, so a rule
 * changed while the collector was down is handled like a reload.
 */
final class EvaluatorState {
    private EvaluatorState() {
    }

    static ObjectNode write(AlertEvaluator evaluator) {
        ObjectNode root = AlertEvent.JSON.createObjectNode();
        ArrayNode rules = root.putArray("rules");
        evaluator.rules().forEach(r -> rules.add(rule(r)));
        ArrayNode ss = root.putArray("series");
        for (Series s : evaluator.allSeries()) {
            ss.addObject().put("sensor_id", s.sensorId).put("metric", s.metric).put("last_ts_us", s.lastTsMicros)
                    .put("last_value_ts_us", s.lastValueTsMicros).put("last_value", s.lastValue);
        }
        ArrayNode slots = root.putArray("slots");
        for (Slot slot : evaluator.slots().values()) {
            ObjectNode n = slots.addObject().put("rule", slot.rule.name()).put("sensor_id", slot.sensorId)
                    .put("metric", slot.metric).put("pending_since", slot.pendingSince)
                    .put("last_heard", slot.lastHeardMillis).put("last_ts", slot.lastTsMillis);
            if (slot.fired != null) {
                n.set("fired", slot.fired.toJson());
            }
        }
        return root;
    }

    /** A series time: microseconds, or the milliseconds a state saved before microseconds had. */
    private static long micros(JsonNode series, String key, String millisKey) {
        if (series.has(key)) {
            return series.get(key).asLong();
        }
        long millis = series.get(millisKey).asLong();
        return millis == Slot.NONE ? Slot.NONE : millis * 1000 + 999;
    }

    /** The evaluator as saved, its rules then replaced by the current ones (resolutions go to out). */
    static AlertEvaluator read(JsonNode root, List<AlertRule> current, Collection<String> registered, Instant now,
                               List<AlertEvent> out) {
        List<AlertRule> saved = new ArrayList<>();
        root.get("rules").forEach(n -> saved.add(rule(n)));
        AlertEvaluator e = new AlertEvaluator(saved, List.of(), now);
        for (JsonNode n : root.get("series")) {
            Series s = e.series(n.get("sensor_id").asText(), n.get("metric").asText());
            s.lastTsMicros = micros(n, "last_ts_us", "last_ts");
            s.lastValueTsMicros = micros(n, "last_value_ts_us", "last_value_ts");
            s.lastValue = n.get("last_value").asDouble();
        }
        for (JsonNode n : root.get("slots")) {
            if (n.hasNonNull("fired")) {
                e.apply(AlertEvent.fromJson(n.get("fired")));
            }
            Slot slot = e.slots().get(Slot.key(n.get("rule").asText(), n.get("sensor_id").asText(),
                    n.get("metric").asText()));
            if (slot != null) {
                slot.pendingSince = n.get("pending_since").asLong();
                slot.lastHeardMillis = n.get("last_heard").asLong();
                slot.lastTsMillis = n.get("last_ts").asLong();
            }
        }
        e.reload(current, registered, now, out);
        return e;
    }

    private static ObjectNode rule(AlertRule r) {
        ObjectNode n = AlertEvent.JSON.createObjectNode().put("name", r.name()).put("sensors", r.sensors())
                .put("metric", r.metric()).put("above", r.above()).put("clear_below", r.clearBelow())
                .put("below", r.below()).put("clear_above", r.clearAbove()).put("rate_above", r.rateAbove());
        n.put("for", r.forDuration() == null ? null : Long.toString(r.forDuration().toMillis()));
        n.put("silent_for", r.silentFor() == null ? null : Long.toString(r.silentFor().toMillis()));
        return n;
    }

    private static AlertRule rule(JsonNode n) {
        return new AlertRule(text(n, "name"), text(n, "sensors"), text(n, "metric"), number(n, "above"),
                number(n, "clear_below"), number(n, "below"), number(n, "clear_above"), millis(n, "for"),
                number(n, "rate_above"), millis(n, "silent_for"));
    }

    private static String text(JsonNode n, String key) {
        return n.hasNonNull(key) ? n.get(key).asText() : null;
    }

    private static Double number(JsonNode n, String key) {
        return n.hasNonNull(key) ? n.get(key).asDouble() : null;
    }

    private static Duration millis(JsonNode n, String key) {
        return n.hasNonNull(key) ? Duration.ofMillis(Long.parseLong(n.get(key).asText())) : null;
    }
}
