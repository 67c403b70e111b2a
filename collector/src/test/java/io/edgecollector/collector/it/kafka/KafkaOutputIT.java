package io.edgecollector.collector.it.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecollector.collector.Collector;
import io.edgecollector.collector.OutputStatus;
import io.edgecollector.collector.config.ConfigLoader;
import io.edgecollector.collector.kafka.KafkaOutput;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.KafkaTopic;
import io.edgecollector.collector.testing.PrivateKafka;
import io.edgecollector.collector.testing.PrivateMosquitto;
import io.edgecollector.collector.testing.RawLines;
import io.edgecollector.collector.testing.Setup;
import io.edgecollector.collector.testing.TestDatabase;
import io.edgecollector.simulator.Faults;
import io.edgecollector.simulator.Kind;
import io.edgecollector.simulator.Message;
import io.edgecollector.simulator.Publisher;
import io.edgecollector.simulator.RunResult;
import io.edgecollector.simulator.Simulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kafka output against a real Apache Kafka (KRaft, in this JVM), as a read_committed consumer sees it. */
class KafkaOutputIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Shapes the dead-letter topic must see besides readings; no sensor-side duplicates (Kafka keeps both copies). */
    static final Faults FAULTS = new Faults(0.03, 0.02, 0, 0.02, 0.02);
    static final String READINGS = "edge.readings";
    static final String REJECTIONS = "edge.rejections";

    static Map<String, String> flags(String broker, String prefix, Path dir, PrivateKafka kafka) throws Exception {
        Map<String, String> f = Setup.flags(broker, prefix, dir.resolve("raw"), Setup.registry(dir, 5));
        f.put("--kafka-bootstrap-servers", kafka.bootstrapServers());
        return f;
    }

    @Test
    void killMinus9_atRandomPoints_ofA100kStream_readCommittedSeesEveryReadingOnce_inOrderPerSensor(@TempDir Path dir)
            throws Exception {
        String prefix = Setup.prefix();
        Random random = new Random(20261202);
        Path raw = dir.resolve("raw");
        try (PrivateKafka kafka = PrivateKafka.start(dir.resolve("kafka"));
             PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            // the database is away all along (db.url points nowhere): Kafka forwarding does not wait on it
            String[] args = Setup.args("run", flags(broker.url(), prefix, dir, kafka));
            Path log = dir.resolve("collector.log");
            CollectorProcess collector = CollectorProcess.start(log, args).awaitSubscribed(1);
            CompletableFuture<RunResult> sim = Setup.publishAsync(broker.url(), prefix, FAULTS, 100_000, 1000);
            int runs = 1;
            for (int kill = 0; kill < 4; kill++) {
                long at = 18_000L * (kill + 1) + random.nextInt(10_000);
                Await.until("raw lines reach " + at, Duration.ofSeconds(120), () -> RawLines.count(raw) >= at);
                collector.kill();
                collector = CollectorProcess.start(log, args).awaitSubscribed(++runs);
            }
            try {
                RunResult published = sim.get();
                assertEquals(0, published.failed());
                long readings = published.total() - published.count(Kind.MALFORMED);
                awaitCommitted(kafka, READINGS, readings, Duration.ofSeconds(180));
                long dupLines = RawLines.records(raw).stream().filter(r -> r.path("dup").asBoolean(false)).count();
                System.out.printf("kill -9 x4: published=%d raw lines=%d (dup-marked %d) readings expected=%d%n",
                        published.total(), RawLines.count(raw), dupLines, readings);
                assertExactlyOnceInOrder(KafkaTopic.readCommitted(kafka.bootstrapServers(), READINGS), readings, published);
                assertEquals(published.count(Kind.MALFORMED), KafkaTopic.countCommitted(kafka.bootstrapServers(), REJECTIONS),
                        "one dead letter per malformed message; " + published.summary());
                assertEquals(0, collector.terminate(Duration.ofSeconds(20)), collector.output());
            } finally {
                collector.close();
            }
        }
    }

    @Test
    void kafkaStopped30s_midStream_intakeAndPostgresGoOn_andEverythingArrivesAfter(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        try (PrivateKafka kafka = PrivateKafka.start(dir.resolve("kafka"));
             PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"));
             TestDatabase db = TestDatabase.onSharedServer()) {
            Map<String, String> flags = flags(broker.url(), prefix, dir, kafka);
            flags.put("--db-url", db.url());
            CollectorMetrics metrics = new CollectorMetrics();
            try (Collector collector = Setup.started(ConfigLoader.load(null, Map.of(), flags), metrics)) {
                OutputStatus output = collector.status().outputs().get(0);
                CompletableFuture<RunResult> sim = Setup.publishAsync(broker.url(), prefix, Faults.NONE, 15_000, 60);
                Await.until("forwarding", Duration.ofSeconds(60), () -> metrics.kafkaForwardedMessages() > 500);
                kafka.stop();
                long outageStart = System.nanoTime();
                long ackedAtStop = metrics.acked();
                long rowsAtStop = db.countOrMinusOne("SELECT count(*) FROM measurements");
                Await.until("the forwarder notices Kafka is away", Duration.ofSeconds(40), () -> !output.isReady());
                Await.until("intake goes on", Duration.ofSeconds(30), () -> metrics.acked() > ackedAtStop + 2000);
                Await.until("PostgreSQL loading goes on", Duration.ofSeconds(30),
                        () -> db.countOrMinusOne("SELECT count(*) FROM measurements") > rowsAtStop + 2000);
                long forwardedDuringOutage = metrics.kafkaForwardedMessages();
                Thread.sleep(Math.max(0, Duration.ofSeconds(30).toMillis() - (System.nanoTime() - outageStart) / 1_000_000));
                assertTrue(output.lagMessages() > 0, "the lag shows what waits in the raw files");
                assertEquals(forwardedDuringOutage, metrics.kafkaForwardedMessages(), "nothing forwarded while Kafka is away");
                kafka.restart();
                RunResult published = sim.get();
                awaitCommitted(kafka, READINGS, published.total(), Duration.ofSeconds(120));
                assertExactlyOnceInOrder(KafkaTopic.readCommitted(kafka.bootstrapServers(), READINGS), published.total(), published);
                Await.until("every row in PostgreSQL", Duration.ofSeconds(60),
                        () -> db.countOrMinusOne("SELECT count(*) FROM measurements"), published.total());
                Await.until("ready again, no lag", Duration.ofSeconds(30), () -> output.isReady() && output.lagMessages() == 0);
                assertTrue(metrics.kafkaErrors() > 0, "the outage is counted in edge_collector_kafka_errors_total");
            }
        }
    }

    @Test
    void rejection_landsOnTheDeadLetterTopic_withItsReason_andHeaders(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        try (PrivateKafka kafka = PrivateKafka.start(dir.resolve("kafka"));
             PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            Map<String, String> flags = flags(broker.url(), prefix, dir, kafka);
            flags.put("--kafka-rejections-topic", "site1.dead-letters");
            flags.put("--instance-id", "edge7");
            String ts = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
            try (Collector collector = Setup.started(ConfigLoader.load(null, Map.of(), flags), new CollectorMetrics());
                 Publisher p = Simulator.connect(new Simulator.Target(broker.url(), prefix + "-pub", 1, null, null))) {
                p.publish(new Message(prefix + "/s1/temperature", "{not json".getBytes(StandardCharsets.UTF_8), Kind.MALFORMED));
                p.publish(new Message(prefix + "/s1/temperature",
                        ("{\"sensor_id\":\"s1\",\"value\":21.5,\"ts\":\"" + ts + "\"}").getBytes(StandardCharsets.UTF_8),
                        Kind.VALID));
                p.flush(10_000);
                awaitCommitted(kafka, "site1.dead-letters", 1, Duration.ofSeconds(60));
                awaitCommitted(kafka, READINGS, 1, Duration.ofSeconds(30));
            }
            // retention asks the same checkpoints: this file is forwarded to its end, and no further
            io.edgecollector.collector.config.CollectorConfig config = ConfigLoader.load(null, Map.of(), flags);
            Path file = io.edgecollector.collector.rawlog.RawFiles.list(dir.resolve("raw"), "edge7").get(0);
            long end = io.edgecollector.collector.rawlog.RawFiles.wholeLinesEnd(file);
            var forwarded = KafkaOutput.forwarded(config);
            assertTrue(forwarded.test(file.getFileName().toString(), end), "forwarded to its end");
            assertFalse(forwarded.test(file.getFileName().toString(), end + 1), "not beyond");
            assertFalse(forwarded.test("raw_20200101_edge7.jsonl", 1L), "a file never forwarded");
            KafkaTopic.Seen dead = KafkaTopic.readCommitted(kafka.bootstrapServers(), "site1.dead-letters").get(0);
            JsonNode v = JSON.readTree(dead.value());
            assertEquals(prefix + "/s1/temperature", dead.key());
            assertEquals("{not json", v.get("payload").asText());
            assertTrue(v.get("reason").asText().startsWith("not JSON"), v.toString());
            assertEquals("edge7", v.get("instance_id").asText());
            assertEquals(prefix + "/s1/temperature", dead.headers().get("mqtt_topic"));
            assertTrue(dead.headers().containsKey("received_at"));
            KafkaTopic.Seen reading = KafkaTopic.readCommitted(kafka.bootstrapServers(), READINGS).get(0);
            JsonNode r = JSON.readTree(reading.value());
            assertEquals("s1", reading.key());
            assertEquals(21.5, r.get("value").asDouble());
            assertEquals(ts, r.get("ts").asText());
            assertEquals("temperature", r.get("metric").asText());
            assertEquals("unknown_sensor", r.get("quality").asText());
            assertEquals(r.get("received_at").asText(), reading.headers().get("received_at"));
        }
    }

    @Test
    void aSecondProducerWithTheSameTransactionalId_fencesTheFirst_whichStopsWithOneLine(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        try (PrivateKafka kafka = PrivateKafka.start(dir.resolve("kafka"));
             PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            Map<String, String> flags = flags(broker.url(), prefix, dir, kafka);
            io.edgecollector.collector.config.CollectorConfig config = ConfigLoader.load(null, Map.of(), flags);
            io.edgecollector.collector.lifecycle.Supervisor supervisor = new io.edgecollector.collector.lifecycle.Supervisor();
            try (Collector collector = new Collector(config, new CollectorMetrics(), java.time.Clock.systemUTC(), supervisor)) {
                collector.start(Duration.ofSeconds(10));
                CompletableFuture<RunResult> sim = Setup.publishAsync(broker.url(), prefix, Faults.NONE, 3000, 100);
                awaitCommitted(kafka, READINGS, 100, Duration.ofSeconds(60));
                java.util.Properties p = new java.util.Properties();
                p.put("bootstrap.servers", kafka.bootstrapServers());
                p.put("transactional.id", KafkaOutput.transactionalId(config));
                try (var zombieKiller = new org.apache.kafka.clients.producer.KafkaProducer<>(p,
                        new org.apache.kafka.common.serialization.ByteArraySerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                    zombieKiller.initTransactions();
                    assertTrue(supervisor.await(Duration.ofSeconds(60)), "the fenced collector stops");
                }
                var failure = supervisor.failure().orElseThrow();
                assertEquals("kafka", failure.component());
                boolean fenced = false;
                for (Throwable t = failure.cause(); t != null; t = t.getCause()) {
                    fenced |= t instanceof org.apache.kafka.common.errors.InvalidProducerEpochException
                            || t instanceof org.apache.kafka.common.errors.ProducerFencedException;
                }
                assertTrue(fenced, failure.message());
                sim.get();
            }
        }
    }

    /**
     * Alert events to kafka.alerts_topic: a stream of 240 transitions (41, 39, 41, ... above 40)
     * with the collector killed -9 twice while it runs; a read_committed consumer sees each event
     * of the alert log exactly once (PostgreSQL away all along: no output waits on another).
     */
    @Test
    void alertEvents_reachTheAlertsTopicExactlyOnce_throughKillMinus9(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        Path raw = dir.resolve("raw");
        Path rules = dir.resolve("rules.yaml");
        java.nio.file.Files.writeString(rules, "- {name: too_hot, metric: temperature, above: 40}\n");
        int transitions = 240;
        try (PrivateKafka kafka = PrivateKafka.start(dir.resolve("kafka"));
             PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            Map<String, String> flags = flags(broker.url(), prefix, dir, kafka);
            flags.put("--alerts-file", rules.toString());
            flags.put("--alerts-topic-prefix", prefix + "-alerts");
            String[] args = Setup.args("run", flags);
            Path log = dir.resolve("collector.log");
            CollectorProcess collector = CollectorProcess.start(log, args).awaitSubscribed(1);
            long t0 = java.time.Instant.now().getEpochSecond() - transitions;
            org.eclipse.paho.mqttv5.client.MqttClient sensor = new org.eclipse.paho.mqttv5.client.MqttClient(broker.url(),
                    prefix + "-sensor", new org.eclipse.paho.mqttv5.client.persist.MemoryPersistence());
            sensor.connect();
            CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> {
                try {
                    for (int i = 0; i < transitions; i++) {
                        String payload = "{\"sensor_id\":\"Sensor " + (i % 3) + "\",\"type\":\"temperature\",\"value\":"
                                + ((i / 3) % 2 == 0 ? 41 : 39) + ",\"timestamp\":" + (t0 + i) + "}";
                        sensor.publish(prefix + "/Sensor_" + (i % 3) + "/temperature",
                                new org.eclipse.paho.mqttv5.common.MqttMessage(payload.getBytes(StandardCharsets.UTF_8), 1, false, null));
                        Thread.sleep(40);
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            int runs = 1;
            try {
                for (long at : new long[] {60, 150}) {
                    Await.until(at + " events in the alert log", Duration.ofSeconds(60), () -> alertLogEvents(raw).size() >= at);
                    collector.kill();
                    collector = CollectorProcess.start(log, args).awaitSubscribed(++runs);
                }
                sent.get();
                Await.until("every transition in the alert log", Duration.ofSeconds(60),
                        () -> alertLogEvents(raw).size() >= transitions);
                awaitCommitted(kafka, "edge.alerts", transitions, Duration.ofSeconds(90));
                List<KafkaTopic.Seen> records = KafkaTopic.readCommitted(kafka.bootstrapServers(), "edge.alerts");
                List<String> logged = alertLogEvents(raw);
                assertEquals(transitions, logged.size(), "one alert-log line per transition");
                Set<String> ids = new HashSet<>();
                for (KafkaTopic.Seen r : records) {
                    JsonNode v = JSON.readTree(r.value());
                    ids.add(v.get("event_id").asText());
                    assertEquals(v.get("sensor_id").asText(), r.key());
                    assertEquals(prefix + "-collector", v.get("instance_id").asText());
                    assertEquals("too_hot", r.headers().get("rule"));
                }
                assertEquals(transitions, records.size(), "no event twice");
                assertEquals(new HashSet<>(logged), ids, "every event of the alert log");
                JsonNode first = JSON.readTree(records.stream().filter(r -> r.key().equals("Sensor 0")).findFirst().orElseThrow().value());
                assertEquals("firing", first.get("state").asText());
                assertEquals(41.0, first.get("value").asDouble());
                assertEquals(40.0, first.get("limit").asDouble());
                assertEquals(0, collector.terminate(Duration.ofSeconds(20)), collector.output());
            } finally {
                collector.close();
                sensor.disconnect();
                sensor.close();
            }
        }
    }

    /** The event ids of this instance's alert log, in log order. */
    static List<String> alertLogEvents(Path raw) {
        List<String> ids = new java.util.ArrayList<>();
        if (!java.nio.file.Files.isDirectory(raw)) {
            return ids;
        }
        try (var files = java.nio.file.Files.list(raw)) {
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("alerts_")).sorted().toList()) {
                for (String line : java.nio.file.Files.readAllLines(f)) {
                    if (!line.isBlank()) {
                        try {
                            ids.add(JSON.readTree(line).get("event_id").asText());
                        } catch (java.io.IOException torn) {
                            // a line torn by kill -9: its event is decided again
                        }
                    }
                }
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ids;
    }

    static void awaitCommitted(PrivateKafka kafka, String topic, long expected, Duration max) throws InterruptedException {
        long deadline = System.nanoTime() + max.toNanos();
        long seen = 0;
        while (System.nanoTime() < deadline) {
            seen = KafkaTopic.countCommitted(kafka.bootstrapServers(), topic);
            if (seen >= expected) {
                return;
            }
            Thread.sleep(1000);
        }
        assertEquals(expected, seen, "committed records in " + topic + " after " + max.toSeconds() + " s");
    }

    /** Each published reading exactly once (its key seen once, the count equal), each sensor's readings in time order. */
    static void assertExactlyOnceInOrder(List<KafkaTopic.Seen> records, long expected, RunResult published) throws Exception {
        Set<String> keys = new HashSet<>();
        Map<String, String> lastTs = new HashMap<>();
        Map<String, Integer> partitionOf = new HashMap<>();
        long outOfOrder = 0;
        for (KafkaTopic.Seen s : records) {
            JsonNode v = JSON.readTree(s.value());
            String sensor = v.get("sensor_id").asText();
            assertEquals(sensor, s.key(), "the key is the sensor id");
            assertEquals(s.partition(), (int) partitionOf.computeIfAbsent(sensor, k -> s.partition()), "one partition per sensor");
            keys.add(sensor + "|" + v.get("metric").asText() + "|" + v.get("ts").asText());
            if ("stale".equals(v.get("quality").asText())) {
                continue; // sent late on purpose: its ts is behind the sensor's others
            }
            String ts = v.get("ts").asText();
            String before = lastTs.put(sensor + "|" + v.get("metric").asText(), ts);
            if (before != null && java.time.Instant.parse(before).compareTo(java.time.Instant.parse(ts)) >= 0) {
                outOfOrder++;
            }
        }
        String seen = published.summary() + "; records=" + records.size() + " distinct=" + keys.size();
        assertEquals(expected, keys.size(), "every reading arrived; " + seen);
        assertEquals(expected, records.size(), "no reading twice; " + seen);
        assertEquals(0, outOfOrder, "each sensor's readings in order; " + seen);
        assertFalse(records.isEmpty());
    }
}
