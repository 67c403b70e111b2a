package io.edgecollector.collector.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the `alerts:` list (from the config file or alerts_file) into rules, checking each one:
 * an error stops the start with one line naming the rule and the key.
 */
public final class AlertRules {
    static final Set<String> KEYS = Set.of("name", "sensors", "metric", "above", "clear_below", "below",
            "clear_above", "for", "rate_above", "silent_for");
    /** A rule name becomes an MQTT topic level and a label value: letters, digits, '_', '-', '.'. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]{1,100}");

    private AlertRules() {
    }

    /**
     * @param list   the YAML list of rules (null: no rules)
     * @param source where it came from, for the error message ("config file x.yaml", "alerts_file r.yaml")
     */
    public static List<AlertRule> parse(JsonNode list, String source) {
        if (list == null || list.isNull() || list.isMissingNode()) {
            return List.of();
        }
        if (!list.isArray()) {
            throw new ConfigException("alerts (" + source + "): expected a list of rules");
        }
        List<AlertRule> rules = new ArrayList<>();
        Set<String> names = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            AlertRule rule = rule(list.get(i), "alerts[" + i + "]", source);
            if (!names.add(rule.name())) {
                throw new ConfigException("alert rule '" + rule.name() + "': name: appears twice (" + source + ")");
            }
            rules.add(rule);
        }
        return List.copyOf(rules);
    }

    private static AlertRule rule(JsonNode node, String where, String source) {
        if (!node.isObject()) {
            throw new ConfigException(where + " (" + source + "): expected a mapping with name and a condition");
        }
        JsonNode nameNode = node.get("name");
        String name = nameNode == null || nameNode.isNull() ? "" : nameNode.asText().trim();
        String label = name.isEmpty() ? where : "alert rule '" + name + "'";
        Field f = new Field(node, label, source);
        if (name.isEmpty()) {
            throw f.error("name", "is missing");
        }
        if (!NAME.matcher(name).matches()) {
            throw f.error("name", "must be 1-100 letters, digits, '_', '-' or '.' (it becomes an MQTT topic level)");
        }
        Iterator<String> keys = node.fieldNames();
        while (keys.hasNext()) {
            String key = keys.next();
            if (!KEYS.contains(key)) {
                throw f.error(key, "is not a rule key (known: name, sensors, metric, above, clear_below, below, "
                        + "clear_above, for, rate_above, silent_for)");
            }
        }
        AlertRule r = new AlertRule(name, f.text("sensors"), f.text("metric"), f.number("above"),
                f.number("clear_below"), f.number("below"), f.number("clear_above"), f.duration("for"),
                f.number("rate_above"), f.duration("silent_for"));
        check(r, f);
        return r;
    }

    private static void check(AlertRule r, Field f) {
        boolean threshold = r.above() != null || r.below() != null;
        int kinds = (threshold ? 1 : 0) + (r.rateAbove() != null ? 1 : 0) + (r.silentFor() != null ? 1 : 0);
        if (kinds == 0) {
            throw f.error("above", "no condition: set above, below, rate_above or silent_for");
        }
        if (kinds > 1) {
            throw f.error(r.silentFor() != null ? "silent_for" : "rate_above",
                    "cannot be combined with another condition in one rule: write two rules");
        }
        if (r.clearBelow() != null && r.above() == null) {
            throw f.error("clear_below", "needs above");
        }
        if (r.clearAbove() != null && r.below() == null) {
            throw f.error("clear_above", "needs below");
        }
        if (r.clearBelow() != null && r.clearBelow() > r.above()) {
            throw f.error("clear_below", r.clearBelow() + " is above above=" + r.above());
        }
        if (r.clearAbove() != null && r.clearAbove() < r.below()) {
            throw f.error("clear_above", r.clearAbove() + " is below below=" + r.below());
        }
        if (r.above() != null && r.below() != null && r.below() >= r.above()) {
            throw f.error("below", r.below() + " is not below above=" + r.above() + " (the rule would always fire)");
        }
        if (r.forDuration() != null && !threshold) {
            throw f.error("for", "applies to above/below only");
        }
        if (r.rateAbove() != null && r.rateAbove() < 0) {
            throw f.error("rate_above", "must not be negative");
        }
        if (r.silentFor() != null && r.silentFor().isZero()) {
            throw f.error("silent_for", "must be longer than 0s");
        }
    }

    /** Typed access to one rule's keys, with errors that name the rule and the key. */
    private record Field(JsonNode node, String label, String source) {
        ConfigException error(String key, String why) {
            return new ConfigException(label + ": " + key + " " + why + " (" + source + ")");
        }

        private JsonNode get(String key) {
            JsonNode v = node.get(key);
            return v == null || v.isNull() ? null : v;
        }

        String text(String key) {
            JsonNode v = get(key);
            if (v == null) {
                return null;
            }
            if (!v.isValueNode() || v.asText().isBlank()) {
                throw error(key, "must be a non-empty text");
            }
            return v.asText().trim();
        }

        Double number(String key) {
            JsonNode v = get(key);
            if (v == null) {
                return null;
            }
            double d;
            if (v.isNumber()) {
                d = v.asDouble();
            } else {
                try {
                    d = Double.parseDouble(v.asText().trim());
                } catch (NumberFormatException e) {
                    throw error(key, "'" + v.asText() + "' is not a number");
                }
            }
            if (!Double.isFinite(d)) {
                throw error(key, "'" + v.asText() + "' is not a finite number");
            }
            return d;
        }

        Duration duration(String key) {
            JsonNode v = get(key);
            if (v == null) {
                return null;
            }
            try {
                return Durations.parse(v.asText());
            } catch (IllegalArgumentException e) {
                throw error(key, "'" + v.asText() + "' " + e.getMessage());
            }
        }
    }
}
