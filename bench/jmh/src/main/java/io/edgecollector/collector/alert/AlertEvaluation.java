package io.edgecollector.collector.alert;

import io.edgecollector.collector.config.AlertRule;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.Quality;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Rule evaluation per reading (issue 12: at most 2 us) with 1,000 rules over 1,000 sensors:
 * 990 rules naming one sensor each (above with clear_below and for, below, rate, in turn) and
 * 10 glob rules ("Sensor 1*" above 60, a silence on every sensor, ...). Each invocation judges one
 * new reading of every sensor (time moving on by 1 s, values swinging across the limits, so
 * transitions and their events happen too). Per reading, in microseconds.
 * Run from the repository root: bench/hotpaths.sh AlertEvaluation
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx128m", "-XX:+UseSerialGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class AlertEvaluation {
    static final int SENSORS = 1_000;
    static final Instant T0 = Instant.parse("2026-12-02T00:00:00Z");

    private AlertEvaluator evaluator;
    private String[] sensorIds;
    private final List<AlertEvent> events = new ArrayList<>();
    private long second;

    @Setup
    public void setUp() {
        List<AlertRule> rules = new ArrayList<>();
        for (int i = 0; i < 990; i++) {
            String sensor = "Sensor " + i;
            rules.add(switch (i % 3) {
                case 0 -> new AlertRule("hot_" + i, sensor, "temperature", 40.0, 38.0, null, null, Duration.ofSeconds(5), null, null);
                case 1 -> new AlertRule("cold_" + i, sensor, "temperature", null, null, 5.0, 7.0, null, null, null);
                default -> new AlertRule("jump_" + i, sensor, "temperature", null, null, null, null, null, 300.0, null);
            });
        }
        for (int g = 0; g < 10; g++) {
            rules.add(g == 0 ? new AlertRule("silent_all", null, null, null, null, null, null, null, null, Duration.ofMinutes(5))
                    : new AlertRule("glob_" + g, "Sensor " + g + "*", "temperature", 60.0 + g, null, null, null, null, null, null));
        }
        sensorIds = new String[SENSORS];
        for (int i = 0; i < SENSORS; i++) {
            sensorIds[i] = "Sensor " + i;
        }
        evaluator = new AlertEvaluator(rules, List.of(sensorIds), T0);
    }

    @Benchmark
    @OperationsPerInvocation(SENSORS)
    public int evaluate() {
        second++;
        Instant ts = T0.plusSeconds(second);
        events.clear();
        for (int i = 0; i < SENSORS; i++) {
            double value = 22 + 25 * Math.sin((second + i) / 40.0);
            evaluator.evaluate(new Reading(sensorIds[i], "temperature", ts, value, "C", null, null, null, ts,
                    Quality.VALID), ts, events);
        }
        return events.size();
    }
}
