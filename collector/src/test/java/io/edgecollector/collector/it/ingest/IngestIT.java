package io.edgecollector.collector.it.ingest;

import io.edgecollector.collector.MessagePath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecollector.collector.Collector;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.ConfigLoader;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.PrivateMosquitto;
import io.edgecollector.collector.testing.RawLines;
import io.edgecollector.collector.testing.Setup;
import io.edgecollector.collector.testing.SmallDisk;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.parse.Quality;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import io.edgecollector.simulator.Faults;
import io.edgecollector.simulator.Kind;
import io.edgecollector.simulator.RunResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Ingestion into raw JSONL against a real Mosquitto: the shared one, or a private one for kill tests. */
class IngestIT {
    static final String SHARED_BROKER = Setup.SHARED_BROKER;

    static Path registry(Path dir) throws Exception {
        return Setup.registry(dir, 5);
    }

    static Map<String, String> flags(String brokerUrl, String prefix, Path rawDir, Path registry) {
        return Setup.flags(brokerUrl, prefix, rawDir, registry);
    }

    static String prefix() {
        return Setup.prefix();
    }

    static RunResult publish(String brokerUrl, String prefix, Faults faults, long count, double ratePerSensor) throws Exception {
        return Setup.publish(brokerUrl, prefix, faults, count, ratePerSensor);
    }

    @Test
    void everyMessage_becomesOneWholeRawLine_withItsQualityOrReason(@TempDir Path dir) throws Exception {
        String prefix = prefix();
        Path raw = dir.resolve("raw");
        CollectorConfig config = ConfigLoader.load(null, Map.of(), flags(SHARED_BROKER, prefix, raw, registry(dir)));
        CollectorMetrics metrics = new CollectorMetrics();
        RunResult sim;
        try (Collector collector = Setup.started(config, metrics)) {
            sim = publish(SHARED_BROKER, prefix, new Faults(0.05, 0.05, 0.03, 0.03, 0.03), 900, 60);
            Setup.mosquittoPub(prefix + "/Sensor 1/temperature", "-m", "21.5");
            Setup.mosquittoPub(prefix + "/Sensor 1/temperature", "-m", "hello from a shell");
            Path binary = dir.resolve("blob.bin");
            Files.write(binary, new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
            Setup.mosquittoPub(prefix + "/Sensor 1/temperature", "-f", binary.toString());
            Await.until("all messages written and acknowledged", Duration.ofSeconds(30), metrics::acked, sim.total() + 3);
        }
        assertEquals(0, sim.failed());
        List<JsonNode> records = RawLines.records(raw);
        assertEquals(sim.total() + 3, RawLines.count(raw), "one line per message");
        assertEquals(sim.total() + 3, records.size(), "every line a whole record");

        List<JsonNode> rejected = records.stream().filter(r -> r.has("error")).toList();
        assertEquals(sim.count(Kind.MALFORMED) + 2, rejected.size());
        Set<String> reasons = rejected.stream().map(r -> r.get("error").asText().replaceAll("\\d+", "N"))
                .collect(Collectors.toSet());
        assertTrue(reasons.contains("no timestamp (ts, timestamp or time)"), reasons.toString());
        assertTrue(reasons.contains("value must be a number, got text 'n/a-N'"), reasons.toString());
        assertTrue(reasons.stream().anyMatch(r -> r.startsWith("not JSON: Unexpected end-of-input")), reasons.toString());
        JsonNode text = records.stream().filter(r -> r.has("payload_text") && r.get("payload_text").asText().equals("hello from a shell")).findFirst().orElseThrow();
        assertTrue(text.get("error").asText().startsWith("not JSON"), text.toString());
        assertEquals(1, records.stream().filter(r -> r.has("payload_b64") && r.get("payload_b64").asText().equals("//4AAQ==")).count());

        Map<Quality, Set<String>> keys = distinctKeysByQuality(raw, dir);
        assertEquals(sim.count(Kind.VALID) + 1, keys.get(Quality.VALID).size(), "valid readings (+1 bare number)");
        assertEquals(sim.count(Kind.OUT_OF_RANGE), keys.get(Quality.OUT_OF_RANGE).size());
        assertEquals(sim.count(Kind.LATE), keys.get(Quality.STALE).size());
        assertEquals(sim.count(Kind.UNKNOWN_SENSOR), keys.get(Quality.UNKNOWN_SENSOR).size());
    }

    /** Re-reads the raw lines through the same processing the loader and compaction use. */
    static Map<Quality, Set<String>> distinctKeysByQuality(Path raw, Path dir) throws Exception {
        var validator = Validators.create();
        CollectorConfig c = ConfigLoader.load(null, Map.of(), Map.of("--topic-template", "+/{sensor_id}/{metric}"));
        MessageProcessor processor = MessagePath.processor(c, validator, SensorRegistry.load(registry(dir), validator));
        Map<Quality, Set<String>> keys = new EnumMap<>(Quality.class);
        for (Quality q : Quality.values()) {
            keys.put(q, new HashSet<>());
        }
        for (String line : RawLines.all(raw)) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            MappedMessage m = processor.process(RawLineCodec.decode(b, 0, b.length));
            for (Reading r : m.readings()) {
                keys.get(r.quality()).add(r.sensorId() + "|" + r.metric() + "|" + r.ts());
            }
        }
        return keys;
    }

    @Test
    void nothingIsAcknowledged_beforeItsLineIsOnDisk(@TempDir Path dir) throws Exception {
        String prefix = prefix();
        Path raw = dir.resolve("raw");
        Files.writeString(raw, "a file where the raw directory should be: every append fails");
        CollectorConfig config = ConfigLoader.load(null, Map.of(), flags(SHARED_BROKER, prefix, raw, registry(dir)));
        CollectorMetrics first = new CollectorMetrics();
        RunResult sim;
        try (Collector collector = Setup.started(config, first)) {
            sim = publish(SHARED_BROKER, prefix, Faults.NONE, 50, 50);
            Await.until("all received", Duration.ofSeconds(20), first::received, 50L);
            Await.until("append failed", Duration.ofSeconds(10), () -> first.rawWriteFailures() > 0);
        }
        assertEquals(0, first.acked());

        Files.delete(raw);
        CollectorMetrics second = new CollectorMetrics();
        try (Collector collector = new Collector(config, second, Clock.systemUTC())) {
            assertTrue(collector.start(Duration.ofSeconds(10)));
            Await.until("the broker redelivers every unacknowledged message", Duration.ofSeconds(30), second::acked, 50L);
        }
        List<JsonNode> records = RawLines.records(raw);
        assertEquals(50, sim.total());
        assertEquals(50, records.stream().map(r -> r.get("payload").toString()).distinct().count());
    }

    @Test
    void killMinus9_midStream_thenRestart_losesNoMessage_andSigtermExitsZero(@TempDir Path dir) throws Exception {
        String prefix = prefix();
        Path raw = dir.resolve("raw");
        Path log = dir.resolve("collector.log");
        try (PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            String[] args = Setup.args("run", flags(broker.url(), prefix, raw, registry(dir)));
            CollectorProcess first = CollectorProcess.start(log, args).awaitSubscribed(1);
            CompletableFuture<RunResult> sim = Setup.publishAsync(broker.url(), prefix, Faults.NONE, 4000, 200);
            Await.until("some lines on disk", Duration.ofSeconds(30), () -> RawLines.count(raw) >= 800);
            first.kill();
            try (CollectorProcess second = CollectorProcess.start(log, args).awaitSubscribed(2)) {
                RunResult published = sim.get();
                assertEquals(0, published.failed());
                Await.until("every published message in the raw log", Duration.ofSeconds(60),
                        () -> RawLines.records(raw).stream().map(r -> r.get("payload").toString()).distinct().count(),
                        published.total());
                assertEquals(0, second.terminate(Duration.ofSeconds(20)), second.output());
            }
            long torn = RawLines.count(raw) - RawLines.records(raw).size();
            assertTrue(torn <= 1, "at most the one line being written at the kill is torn, got " + torn);
        }
    }

    @Test
    void brokerRestart_midStream_reconnectsAndResubscribes_losingNothing(@TempDir Path dir) throws Exception {
        String prefix = prefix();
        Path raw = dir.resolve("raw");
        try (PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            CollectorConfig config = ConfigLoader.load(null, Map.of(), flags(broker.url(), prefix, raw, registry(dir)));
            CollectorMetrics metrics = new CollectorMetrics();
            try (Collector collector = Setup.started(config, metrics)) {
                RunResult before = publish(broker.url(), prefix, Faults.NONE, 1000, 100);
                Await.until("first half written", Duration.ofSeconds(30), metrics::acked, before.total());
                broker.restart();
                Await.until("reconnected and subscribed again", Duration.ofSeconds(60),
                        () -> metrics.reconnects() > 0 && collector.status().isSubscribed());
                RunResult after = publish(broker.url(), prefix, Faults.NONE, 1000, 100);
                Await.until("every message of both halves in the raw log", Duration.ofSeconds(60),
                        () -> RawLines.records(raw).stream().map(r -> r.get("payload").toString()).distinct().count(),
                        before.total() + after.total());
            }
        }
    }

    @Test
    void sigterm_whileTheBrokerIsUnreachable_exitsZeroPromptly(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("collector.log");
        try (CollectorProcess p = CollectorProcess.start(log, "run", "--broker-url", "tcp://127.0.0.1:1",
                "--db-url", "jdbc:postgresql://127.0.0.1:1/none", "--raw-dir", dir.resolve("raw").toString())) {
            Await.until("a failed connection attempt", Duration.ofSeconds(20),
                    () -> p.output().contains("event=broker_connect_failed"));
            long start = System.nanoTime();
            assertEquals(0, p.terminate(Duration.ofSeconds(10)), p.output());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "stopped within 5 s");
        }
    }

    @Test
    void rawDiskFull_acknowledgesNothing_andResumesByItself_losingNothing(@TempDir Path dir) throws Exception {
        String prefix = prefix();
        Path raw = dir.resolve("raw");
        try (SmallDisk disk = SmallDisk.mount(raw, "96k")) {
            Map<String, String> f = flags(SHARED_BROKER, prefix, raw, registry(dir));
            f.put("--batch-size", "50");
            f.put("--flush-interval", "50ms");
            CollectorMetrics metrics = new CollectorMetrics();
            try (Collector collector = Setup.started(ConfigLoader.load(null, Map.of(), f), metrics)) {
                RunResult sim = publish(SHARED_BROKER, prefix, Faults.NONE, 900, 60);
                Await.until("the disk is full", Duration.ofSeconds(30), () -> metrics.rawWriteFailures() > 0);
                long ackedWhenFull = metrics.acked();
                Await.until("several retries", Duration.ofSeconds(20), () -> metrics.rawWriteFailures() >= 3);
                assertEquals(ackedWhenFull, metrics.acked(), "nothing is acknowledged while the disk is full");
                assertTrue(ackedWhenFull < sim.total());
                disk.grow("8m");
                Await.until("every message on disk once there is room", Duration.ofSeconds(60),
                        () -> RawLines.records(raw).stream().map(r -> r.get("payload").toString()).distinct().count(),
                        sim.total());
                assertEquals(RawLines.count(raw), RawLines.records(raw).size(), "no torn lines");
            }
        }
    }
}
