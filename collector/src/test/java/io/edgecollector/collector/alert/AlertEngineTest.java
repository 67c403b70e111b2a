package io.edgecollector.collector.alert;

import io.edgecollector.collector.config.AlertRule;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.rawlog.RawLog;
import io.edgecollector.collector.rawlog.Written;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The alert thread on real files: what a crash leaves behind is completed on restart, nothing twice. */
class AlertEngineTest {
    static final List<AlertRule> RULES = List.of(
            new AlertRule("too_hot", null, "temperature", 40.0, 38.0, null, null, null, null, null));

    @Test
    void crashAfterTheRawLinesButBeforeTheirAlertsWereLogged_restartLogsTheMissingOnes_once(@TempDir Path dir)
            throws Exception {
        Path snapshot = AlertSnapshot.file(dir, "");
        try (RawLog raw = new RawLog(dir, "")) {
            AlertEngine first = engine(dir);
            byte[] snapshotAtStart = Files.readAllBytes(snapshot);
            first.start();
            write(raw, first, 41, 1);
            write(raw, first, 39, 2);
            write(raw, first, 37, 3);
            write(raw, first, 45, 4);
            Await.until("3 events logged", Duration.ofSeconds(10), () -> lines(dir).size() == 3);
            first.close();
            List<JsonNode> complete = lines(dir);
            assertEquals(List.of("firing", "resolved", "firing"), states(complete));

            // the crash: the snapshot had not moved and only the first event had reached the alert log
            Files.write(snapshot, snapshotAtStart);
            Path log = alertFile(dir);
            Files.writeString(log, complete.get(0) + "\n");
            AlertEngine second = engine(dir);
            second.start();
            Await.until("the 2 missing events logged", Duration.ofSeconds(10), () -> lines(dir).size() == 3);
            write(raw, second, 46, 5);
            second.close();
            List<JsonNode> recovered = lines(dir);
            assertEquals(ids(complete), ids(recovered), "the same events, each once, in order");
            assertEquals(1, second.active().size(), "still firing, and 46 did not fire it again");

            AlertEngine third = engine(dir);
            third.start();
            write(raw, third, 30, 6);
            Await.until("resolved after the clean restart", Duration.ofSeconds(10), () -> lines(dir).size() == 4);
            third.close();
            assertEquals(List.of("firing", "resolved", "firing", "resolved"), states(lines(dir)));
        }
    }

    static AlertEngine engine(Path dir) throws Exception {
        CollectorConfig config = CollectorConfig.defaults();
        return new AlertEngine(dir, "", RULES, List.of(),
                io.edgecollector.collector.MessagePath.processor(config, Validators.shared(), SensorRegistry.empty()), Clock.systemUTC(), Metrics.NOOP);
    }

    /** One reading of Sensor 1 at T0 + second, made durable in the raw log and handed over as the writer does. */
    static void write(RawLog raw, AlertEngine engine, double value, int second) throws Exception {
        Instant ts = Instant.parse("2026-12-02T10:00:00Z").plusSeconds(second);
        String payload = "{\"sensor_id\":\"Sensor 1\",\"type\":\"temperature\",\"value\":" + value + ",\"timestamp\":\"" + ts + "\"}";
        RawLine line = RawLineCodec.encode(Instant.now(), "sensors/Sensor 1/temperature", 1,
                payload.getBytes(StandardCharsets.UTF_8), true, null);
        List<RawLine> lines = List.of(line);
        List<Written> written = new ArrayList<>();
        for (RawLog.Run run : raw.append(lines)) {
            written.add(Written.of(run, lines, java.util.Arrays.asList(new io.edgecollector.collector.parse.Processed[1])));
        }
        engine.written(written);
    }

    static Path alertFile(Path dir) {
        return AlertLog.files(dir, "").get(0);
    }

    static List<JsonNode> lines(Path dir) {
        List<JsonNode> out = new ArrayList<>();
        for (Path f : AlertLog.files(dir, "")) {
            try {
                for (String l : Files.readAllLines(f)) {
                    if (!l.isBlank()) {
                        out.add(AlertEvent.JSON.readTree(l));
                    }
                }
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return out;
    }

    static List<String> states(List<JsonNode> lines) {
        return lines.stream().map(n -> n.get("state").asText()).toList();
    }

    static List<String> ids(List<JsonNode> lines) {
        return lines.stream().map(n -> n.get("event_id").asText()).toList();
    }
}
