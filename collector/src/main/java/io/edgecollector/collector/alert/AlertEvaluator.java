package io.edgecollector.collector.alert;

import io.edgecollector.collector.config.AlertRule;
import io.edgecollector.collector.parse.Reading;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The alert state machine: every (rule, sensor, metric) is ok or firing, and every transition
 * is one {@link AlertEvent}. Readings are judged in their own time order per sensor and metric:
 * one not newer than the newest seen changes nothing. Single-threaded (the alert thread); only
 * {@link #active()} may be read from other threads.
 */
public final class AlertEvaluator {
    private RuleIndex index;
    private final Map<String, Map<String, Series>> series = new HashMap<>();
    private final Map<String, Slot> slots = new LinkedHashMap<>();
    private final List<Slot> silences = new ArrayList<>();
    private final Map<String, AlertEvent> active = new ConcurrentHashMap<>();
    private static final Slot[] NO_SLOTS = new Slot[0];
    /** "Last heard" of a silence watch made before its sensor is heard: when watching began. */
    private long watchSinceMillis;

    /**
     * @param registered sensor ids of the registry: a silence rule watches them before they are heard
     * @param start      when watching began: the "last heard" of a registered sensor never heard
     */
    public AlertEvaluator(List<AlertRule> rules, Collection<String> registered, Instant start) {
        this.index = new RuleIndex(rules);
        this.watchSinceMillis = start.toEpochMilli();
        watchRegistered(registered);
    }

    public List<AlertRule> rules() {
        return index.rules();
    }

    /** Judges one durable reading; transitions go to out, stamped with now. */
    public void evaluate(Reading r, Instant now, List<AlertEvent> out) {
        Series s = series(r.sensorId(), r.metric());
        long ts = Series.micros(r.ts());
        if (ts <= s.lastTsMicros) {
            return;
        }
        Double v = r.value();
        for (Slot slot : s.slots) {
            switch (slot.rule.kind()) {
                case THRESHOLD -> {
                    if (v != null) {
                        threshold(slot, v, r, now, out);
                    }
                }
                case RATE -> {
                    if (v != null && s.lastValueTsMicros != Slot.NONE) {
                        double perMinute = Math.abs(v - s.lastValue) * 60_000_000.0 / (ts - s.lastValueTsMicros);
                        rate(slot, perMinute, r, now, out);
                    }
                }
                case SILENCE -> heard(slot, r, now, out);
            }
        }
        s.lastTsMicros = ts;
        if (v != null) {
            s.lastValue = v;
            s.lastValueTsMicros = ts;
        }
    }

    private void threshold(Slot slot, double v, Reading r, Instant now, List<AlertEvent> out) {
        AlertRule rule = slot.rule;
        boolean over = rule.above() != null && v > rule.above();
        boolean under = rule.below() != null && v < rule.below();
        long ts = r.ts().toEpochMilli();
        if (!slot.firing()) {
            if (!over && !under) {
                slot.pendingSince = Slot.NONE;
                return;
            }
            if (slot.pendingSince == Slot.NONE) {
                slot.pendingSince = ts;
            }
            if (ts - slot.pendingSince >= rule.forMillis()) {
                slot.pendingSince = Slot.NONE;
                transition(slot, true, v, over ? rule.above() : rule.below(), r.ts(), now, out);
            }
            return;
        }
        boolean clear = (rule.above() == null || v < rule.clearBelowOrLimit())
                && (rule.below() == null || v > rule.clearAboveOrLimit());
        if (clear) {
            transition(slot, false, v, slot.fired.limit(), r.ts(), now, out);
        }
    }

    private void rate(Slot slot, double perMinute, Reading r, Instant now, List<AlertEvent> out) {
        boolean over = perMinute > slot.rule.rateAbove();
        if (over != slot.firing()) {
            transition(slot, over, perMinute, slot.rule.rateAbove(), r.ts(), now, out);
        }
    }

    private void heard(Slot slot, Reading r, Instant now, List<AlertEvent> out) {
        long ts = r.ts().toEpochMilli();
        if (slot.lastTsMillis != Slot.NONE && ts <= slot.lastTsMillis) {
            return;
        }
        Instant heard = r.receivedAt() != null ? r.receivedAt() : r.ts();
        slot.lastHeardMillis = Math.max(slot.lastHeardMillis, heard.toEpochMilli());
        slot.lastTsMillis = ts;
        if (slot.firing()) {
            transition(slot, false, r.value(), silentSeconds(slot.rule), r.ts(), now, out);
        }
    }

    /** Fires the silence rules of sensors not heard for their silent_for, as of now. */
    public void tick(Instant now, List<AlertEvent> out) {
        long nowMillis = now.toEpochMilli();
        for (Slot slot : silences) {
            boolean silent = slot.lastHeardMillis != Slot.NONE
                    && nowMillis - slot.lastHeardMillis >= slot.rule.silentFor().toMillis();
            if (!slot.firing() && silent) {
                Instant lastTs = slot.lastTsMillis == Slot.NONE ? null : Instant.ofEpochMilli(slot.lastTsMillis);
                transition(slot, true, null, silentSeconds(slot.rule), lastTs, now, out);
            }
        }
    }

    private static double silentSeconds(AlertRule rule) {
        return rule.silentFor().toMillis() / 1000.0;
    }

    private void transition(Slot slot, boolean firing, Double value, Double limit, Instant readingTs, Instant now,
                            List<AlertEvent> out) {
        AlertEvent e = AlertEvent.of(slot.rule.name(), slot.sensorId, slot.metric, firing, value, limit, readingTs, now);
        record(slot, e);
        out.add(e);
    }

    private void record(Slot slot, AlertEvent e) {
        slot.fired = e.firing() ? e : null;
        if (e.firing()) {
            active.put(slot.key(), e);
        } else {
            active.remove(slot.key());
        }
    }

    /**
     * Applies an event already decided (read back from the alert log when recovering): the state
     * becomes what the event says. Unknown (rule, sensor, metric): a slot for it is made if its
     * rule still exists.
     */
    public void apply(AlertEvent e) {
        Slot slot = slots.get(Slot.key(e.rule(), e.sensorId(), e.metric()));
        if (slot == null) {
            if (!Slot.ANY_METRIC.equals(e.metric())) {
                series(e.sensorId(), e.metric());
            } else {
                watchRegistered(List.of(e.sensorId()));
            }
            slot = slots.get(Slot.key(e.rule(), e.sensorId(), e.metric()));
        }
        if (slot != null) {
            record(slot, e);
        }
    }

    /** What fires now, by (rule, sensor, metric): the event that made it fire. Safe from any thread. */
    public Collection<AlertEvent> active() {
        return active.values();
    }

    /**
     * New rules (a reload): a rule unchanged keeps its states; what fired under a rule removed or
     * changed is resolved (out gets those events), so no alert stays firing with nobody to clear it.
     */
    public void reload(List<AlertRule> rules, Collection<String> registered, Instant now, List<AlertEvent> out) {
        Map<String, Slot> old = new HashMap<>(slots);
        Map<String, Map<String, Series>> oldSeries = new HashMap<>(series);
        index = new RuleIndex(rules);
        slots.clear();
        silences.clear();
        series.clear();
        watchSinceMillis = now.toEpochMilli();
        watchRegistered(registered);
        oldSeries.values().forEach(m -> m.values().forEach(s -> {
            Series fresh = series(s.sensorId, s.metric);
            fresh.lastTsMicros = s.lastTsMicros;
            fresh.lastValue = s.lastValue;
            fresh.lastValueTsMicros = s.lastValueTsMicros;
        }));
        for (Slot was : old.values()) {
            Slot kept = slots.get(was.key());
            if (kept != null && kept.rule.equals(was.rule)) {
                copy(was, kept);
            } else if (was.firing()) {
                active.remove(was.key());
                out.add(AlertEvent.of(was.rule.name(), was.sensorId, was.metric, false, null, was.fired.limit(),
                        now, now));
            }
        }
    }

    private static void copy(Slot from, Slot to) {
        to.fired = from.fired;
        to.pendingSince = from.pendingSince;
        to.lastHeardMillis = Math.max(to.lastHeardMillis, from.lastHeardMillis);
        to.lastTsMillis = from.lastTsMillis;
    }

    List<Series> allSeries() {
        List<Series> out = new ArrayList<>();
        series.values().forEach(m -> out.addAll(m.values()));
        return out;
    }

    Map<String, Slot> slots() {
        return slots;
    }

    /**
     * The series of (sensor, metric) with the states of its rules. One no rule watches is not
     * kept (a stream of ever new sensor ids must not fill the memory or the snapshot).
     */
    Series series(String sensorId, String metric) {
        Map<String, Series> bySensor = series.get(sensorId);
        Series s = bySensor == null ? null : bySensor.get(metric);
        if (s == null) {
            List<AlertRule> rules = index.forSeries(sensorId, metric);
            if (rules.isEmpty()) {
                return new Series(sensorId, metric, NO_SLOTS);
            }
            bySensor = series.computeIfAbsent(sensorId, k -> new HashMap<>());
            Slot[] array = new Slot[rules.size()];
            for (int i = 0; i < array.length; i++) {
                array[i] = slot(rules.get(i), sensorId, Slot.metricOf(rules.get(i), metric));
            }
            s = new Series(sensorId, metric, array);
            bySensor.put(metric, s);
        }
        return s;
    }

    /** The slot of (rule, sensor, metric), made once (a silence slot is shared by the sensor's series). */
    private Slot slot(AlertRule rule, String sensorId, String metric) {
        String key = Slot.key(rule.name(), sensorId, metric);
        Slot slot = slots.get(key);
        if (slot == null) {
            slot = new Slot(rule, sensorId, metric);
            slot.lastHeardMillis = watchSinceMillis;
            slots.put(key, slot);
            if (rule.kind() == AlertRule.Kind.SILENCE) {
                silences.add(slot);
            }
        }
        return slot;
    }

    private void watchRegistered(Collection<String> sensorIds) {
        for (String id : sensorIds) {
            for (AlertRule rule : index.forSensor(id)) {
                if (rule.kind() == AlertRule.Kind.SILENCE) {
                    slot(rule, id, Slot.metricOf(rule, rule.metric()));
                }
            }
        }
    }
}
