package io.edgecollector.collector.alert;

import io.edgecollector.collector.config.AlertRule;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.Quality;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class AlertEvaluatorTest {
    static final Instant T0 = Instant.parse("2026-12-02T10:00:00Z");

    static AlertRule above(String name, double limit, Double clear, Duration forDuration) {
        return new AlertRule(name, null, "temperature", limit, clear, null, null, forDuration, null, null);
    }

    static Reading reading(String sensor, String metric, int second, Double value) {
        Instant ts = T0.plusSeconds(second);
        return new Reading(sensor, metric, ts, value, null, null, null, "t", ts, Quality.VALID);
    }

    private final List<AlertEvent> out = new ArrayList<>();

    private List<String> feed(AlertEvaluator e, String sensor, String metric, Object... secondsAndValues) {
        out.clear();
        for (int i = 0; i < secondsAndValues.length; i += 2) {
            e.evaluate(reading(sensor, metric, (Integer) secondsAndValues[i], ((Number) secondsAndValues[i + 1]).doubleValue()),
                    T0, out);
        }
        return out.stream().map(ev -> ev.state() + "@" + (ev.readingTs().getEpochSecond() - T0.getEpochSecond()) + "=" + ev.value()).toList();
    }

    @Test
    void above_firesOnceWhenCrossed_andResolvesOnlyBelowClearBelow() {
        AlertEvaluator e = new AlertEvaluator(List.of(above("too_hot", 40, 38.0, null)), List.of(), T0);
        assertEquals(List.of("firing@201=41.0", "resolved@205=37.9"),
                feed(e, "S1", "temperature", 200, 39, 201, 41, 202, 42, 203, 39, 204, 38, 205, 37.9, 206, 39));
    }

    @Test
    void withoutClearBelow_theLimitItselfClears() {
        AlertEvaluator e = new AlertEvaluator(List.of(above("too_hot", 40, null, null)), List.of(), T0);
        assertEquals(List.of("firing@201=41.0", "resolved@203=39.9"), feed(e, "S1", "temperature", 200, 39, 201, 41, 202, 40, 203, 39.9));
    }

    @Test
    void below_withClearAbove_isTheMirror() {
        AlertRule cold = new AlertRule("too_cold", null, "temperature", null, null, 0.0, 2.0, null, null, null);
        AlertEvaluator e = new AlertEvaluator(List.of(cold), List.of(), T0);
        assertEquals(List.of("firing@201=-1.0", "resolved@204=2.5"), feed(e, "S1", "temperature", 200, 1, 201, -1, 202, 1, 203, 2, 204, 2.5));
    }

    @Test
    void for_firesOnlyOnceTheConditionHeldThatLong_inReadingTime() {
        AlertEvaluator e = new AlertEvaluator(List.of(above("too_hot", 40, null, Duration.ofSeconds(10))), List.of(), T0);
        // 5 s over, then a dip restarts the wait; then over from 220 to 230
        assertEquals(List.of("firing@230=44.0"),
                feed(e, "S1", "temperature", 200, 41, 205, 41, 206, 39, 220, 42, 225, 43, 229, 43, 230, 44));
    }

    @Test
    void rate_firesOnAJumpPerMinute_andResolvesWhenItCalms() {
        AlertRule jumping = new AlertRule("jumping", null, "pressure", null, null, null, null, null, 5.0, null);
        AlertEvaluator e = new AlertEvaluator(List.of(jumping), List.of(), T0);
        // 1000 -> 1001 in 60 s: 1/min; 1001 -> 1004 in 30 s: 6/min; 1004 -> 1005 in 60 s: 1/min
        assertEquals(List.of("firing@120=6.0", "resolved@180=1.0"),
                feed(e, "S1", "pressure", 30, 1000, 90, 1001, 120, 1004, 180, 1005));
    }

    @Test
    void aLateReading_olderThanTheNewestSeen_flipsNothing() {
        AlertEvaluator e = new AlertEvaluator(List.of(above("too_hot", 40, 38.0, null)), List.of(), T0);
        assertEquals(List.of("firing@210=41.0"), feed(e, "S1", "temperature", 210, 41, 205, 30, 209, 30, 210, 30));
        assertEquals(1, e.active().size(), "still firing");
        assertEquals(List.of("resolved@211=30.0"), feed(e, "S1", "temperature", 211, 30));
    }

    @Test
    void eachSensorAndMetric_hasItsOwnState_andGlobsPickSensors() {
        AlertRule hot = new AlertRule("too_hot", "Sensor *", "temperature", 40.0, null, null, null, null, null, null);
        AlertEvaluator e = new AlertEvaluator(List.of(hot), List.of(), T0);
        feed(e, "Sensor 1", "temperature", 1, 41);
        assertEquals(1, out.size());
        feed(e, "Sensor 2", "temperature", 1, 41);
        assertEquals(1, out.size());
        feed(e, "Gateway", "temperature", 1, 41);
        assertEquals(0, out.size(), "the glob does not match Gateway");
        feed(e, "Sensor 1", "humidity", 2, 99);
        assertEquals(0, out.size(), "the rule is for temperature");
        assertEquals(2, e.active().size());
    }

    @Test
    void silence_firesForASensorNotHeardFor_andResolvesOnItsNextReading() {
        AlertRule silent = new AlertRule("silent", null, null, null, null, null, null, null, null, Duration.ofMinutes(2));
        AlertEvaluator e = new AlertEvaluator(List.of(silent), List.of("Registered"), T0);
        feed(e, "S1", "temperature", 0, 20);
        e.tick(T0.plusSeconds(119), out);
        assertEquals(List.of(), out);
        e.tick(T0.plusSeconds(121), out);
        assertEquals(List.of("silent Registered * firing", "silent S1 * firing"),
                out.stream().map(ev -> ev.rule() + " " + ev.sensorId() + " " + ev.metric() + " " + ev.state()).sorted().toList());
        e.tick(T0.plusSeconds(200), out);
        assertEquals(2, out.size(), "a firing silence does not fire again");
        assertEquals(List.of("resolved@130=21.0"), feed(e, "S1", "humidity", 130, 21));
    }

    @Test
    void eventIds_areDerivedFromWhatHappened_soJudgingAgainGivesTheSameIds() {
        AlertEvaluator a = new AlertEvaluator(List.of(above("too_hot", 40, null, null)), List.of(), T0);
        AlertEvaluator b = new AlertEvaluator(List.of(above("too_hot", 40, null, null)), List.of(), T0.plusSeconds(99));
        List<AlertEvent> ea = new ArrayList<>();
        List<AlertEvent> eb = new ArrayList<>();
        a.evaluate(reading("S1", "temperature", 1, 41.0), T0, ea);
        b.evaluate(reading("S1", "temperature", 1, 41.0), T0.plusSeconds(5), eb);
        assertEquals(ea.get(0).eventId(), eb.get(0).eventId());
        a.evaluate(reading("S1", "temperature", 2, 39.0), T0, ea);
        assertNotEquals(ea.get(0).eventId(), ea.get(1).eventId());
    }

    @Test
    void reload_keepsTheStateOfUnchangedRules_andResolvesWhatARemovedRuleFired() {
        AlertRule hot = above("too_hot", 40, null, null);
        AlertRule warm = above("warm", 30, null, null);
        AlertEvaluator e = new AlertEvaluator(List.of(hot, warm), List.of(), T0);
        feed(e, "S1", "temperature", 1, 41);
        assertEquals(2, out.size());
        out.clear();
        e.reload(List.of(hot), List.of(), T0.plusSeconds(5), out);
        assertEquals(List.of("warm resolved"), out.stream().map(ev -> ev.rule() + " " + ev.state()).toList());
        assertEquals(List.of("too_hot"), e.active().stream().map(AlertEvent::rule).toList());
        assertEquals(List.of(), feed(e, "S1", "temperature", 2, 42), "too_hot kept its firing state: no second firing");
    }

    @Test
    void state_survivesASnapshot_includingAPendingFor() {
        AlertEvaluator e = new AlertEvaluator(List.of(above("too_hot", 40, null, Duration.ofSeconds(10))), List.of(), T0);
        feed(e, "S1", "temperature", 0, 41, 5, 41);
        AlertEvaluator restored = EvaluatorState.read(EvaluatorState.write(e), e.rules(), List.of(), T0, out);
        assertTrue(out.isEmpty());
        assertEquals(List.of("firing@10=42.0"), feed(restored, "S1", "temperature", 3, 50, 10, 42));
    }

    /** A Sparkplug birth then death often share a millisecond: the death is a new reading, not a repeat. */
    @Test
    void twoReadingsInOneMillisecond_areBothJudged() {
        AlertRule offline = new AlertRule("offline", null, "sparkplug_online", null, null, 0.5, null, null, null, null);
        AlertEvaluator e = new AlertEvaluator(List.of(offline), List.of(), T0);
        Instant birth = T0.plusNanos(831_548_000);
        Instant death = T0.plusNanos(831_965_000);
        e.evaluate(new Reading("N/D", "sparkplug_online", birth, 1.0, null, null, null, "t", birth, Quality.VALID), T0, out);
        e.evaluate(new Reading("N/D", "sparkplug_online", death, 0.0, null, null, null, "t", death, Quality.VALID), T0, out);
        assertEquals(List.of("firing"), out.stream().map(AlertEvent::state).toList());
        assertEquals(death, out.get(0).readingTs());
    }

    @Test
    void aStateSavedInMilliseconds_stillSkipsTheReadingItHadSeen() {
        AlertEvaluator e = new AlertEvaluator(List.of(above("too_hot", 40, null, null)), List.of(), T0);
        feed(e, "S1", "temperature", 5, 39);
        var saved = EvaluatorState.write(e);
        var series = (com.fasterxml.jackson.databind.node.ObjectNode) saved.get("series").get(0);
        series.remove("last_ts_us");
        series.remove("last_value_ts_us");
        series.put("last_ts", T0.plusSeconds(5).toEpochMilli()).put("last_value_ts", T0.plusSeconds(5).toEpochMilli());
        AlertEvaluator restored = EvaluatorState.read(saved, e.rules(), List.of(), T0, out);
        assertEquals(List.of("firing@6=41.0"), feed(restored, "S1", "temperature", 5, 45, 6, 41));
    }
}
