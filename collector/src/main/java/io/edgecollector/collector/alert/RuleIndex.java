package io.edgecollector.collector.alert;

import io.edgecollector.collector.config.AlertRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Finds the rules for a (sensor, metric) without scanning every rule: rules naming an exact
 * sensor are found by that id, glob rules are matched once per sensor and the answer cached.
 * The caller (the evaluator) asks once per new series and keeps the answer, so a reading costs
 * a lookup of its series, not a look at each rule.
 */
final class RuleIndex {
    /** The per-sensor cache starts again beyond this many sensor ids (ids are unbounded, memory is not). */
    private static final int MAX_CACHED_SENSORS = 100_000;

    private final List<AlertRule> rules;
    private final Map<String, List<AlertRule>> exact = new HashMap<>();
    private final List<AlertRule> globs = new ArrayList<>();
    private final List<Pattern> globPatterns = new ArrayList<>();
    private final Map<String, List<AlertRule>> perSensor = new HashMap<>();

    RuleIndex(List<AlertRule> rules) {
        this.rules = List.copyOf(rules);
        for (AlertRule r : rules) {
            if (r.sensors() != null && !isGlob(r.sensors())) {
                exact.computeIfAbsent(r.sensors(), k -> new ArrayList<>()).add(r);
            } else {
                globs.add(r);
                globPatterns.add(r.sensors() == null ? null : glob(r.sensors()));
            }
        }
    }

    List<AlertRule> rules() {
        return rules;
    }

    /** Every rule whose sensors pattern matches the sensor, in configuration order. */
    List<AlertRule> forSensor(String sensorId) {
        if (perSensor.size() >= MAX_CACHED_SENSORS && !perSensor.containsKey(sensorId)) {
            perSensor.clear();
        }
        return perSensor.computeIfAbsent(sensorId, this::match);
    }

    /** The rules for one series: those of the sensor whose metric is unset or equal. */
    List<AlertRule> forSeries(String sensorId, String metric) {
        List<AlertRule> out = new ArrayList<>();
        for (AlertRule r : forSensor(sensorId)) {
            if (r.metric() == null || r.metric().equals(metric)) {
                out.add(r);
            }
        }
        return out;
    }

    private List<AlertRule> match(String sensorId) {
        List<AlertRule> out = new ArrayList<>(exact.getOrDefault(sensorId, List.of()));
        for (int i = 0; i < globs.size(); i++) {
            Pattern p = globPatterns.get(i);
            if (p == null || p.matcher(sensorId).matches()) {
                out.add(globs.get(i));
            }
        }
        out.sort((a, b) -> Integer.compare(rules.indexOf(a), rules.indexOf(b)));
        return List.copyOf(out);
    }

    static boolean isGlob(String s) {
        return s.indexOf('*') >= 0 || s.indexOf('?') >= 0;
    }

    /** A glob ('*' any run of characters, '?' one character, everything else literal) as a pattern. */
    static Pattern glob(String glob) {
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(re.toString(), Pattern.DOTALL);
    }
}
