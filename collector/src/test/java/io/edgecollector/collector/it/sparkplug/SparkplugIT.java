package io.edgecollector.collector.it.sparkplug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.Collector;
import io.edgecollector.collector.MessagePath;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.it.lake.LakeIT;
import io.edgecollector.collector.it.postgres.PostgresIT;
import io.edgecollector.collector.config.ConfigLoader;
import io.edgecollector.collector.lake.DayCompactor;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.PrivateMosquitto;
import io.edgecollector.collector.testing.RawLines;
import io.edgecollector.collector.testing.Setup;
import io.edgecollector.collector.testing.TestDatabase;
import io.edgecollector.simulator.sparkplug.SparkplugEdgeNode;
import io.edgecollector.simulator.sparkplug.SparkplugPayloads;
import io.edgecollector.simulator.sparkplug.SparkplugPayloads.Def;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.MetricDataType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sparkplug B against the real Mosquitto and PostgreSQL. */
class SparkplugIT {
    static final List<Def> PRESS = List.of(
            new Def("Offset", 1, MetricDataType.Int32, "mm"),
            new Def("Strokes", 2, MetricDataType.UInt64, null),
            new Def("Running", 3, MetricDataType.Boolean, null),
            new Def("Temperature", 4, MetricDataType.Float, "C"));
    static final BigInteger HUGE = new BigInteger("18446744073709551000");

    static Map<String, String> flags(String broker, String prefix, Path dir, TestDatabase db) throws Exception {
        Map<String, String> f = Setup.flags(broker, prefix, dir.resolve("raw"), Setup.registry(dir, 1));
        f.put("--db-url", db.url());
        f.put("--sparkplug-enabled", "true");
        f.put("--sparkplug-group", prefix);
        f.put("--sparkplug-host-id", prefix + "-host");
        return f;
    }

    @Test
    void aliasesTypesGapRebirthDeaths_loadIntoPostgres_andReplayAndCompactionAgree(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        String node = "spBv1.0/" + prefix + "/%s/Line1";
        String device = node + "/Press";
        long t0 = System.currentTimeMillis();
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            CollectorConfig config = ConfigLoader.load(null, Map.of(), flags(Setup.SHARED_BROKER, prefix, dir, db));
            MqttClient edge = new MqttClient(Setup.SHARED_BROKER, prefix + "-edge", new MemoryPersistence());
            List<String> seen = new CopyOnWriteArrayList<>();
            edge.connect();
            // (Paho 1.2.5's subscribe(String[], int[], listeners) calls itself forever: the MqttSubscription form works)
            edge.subscribe(new MqttSubscription[] {new MqttSubscription("spBv1.0/" + prefix + "/NCMD/#", 1),
                new MqttSubscription("spBv1.0/STATE/" + prefix + "-host", 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {
                        (t, m) -> seen.add(t + " " + rebirth(m)), (t, m) -> seen.add(t + " " + new String(m.getPayload(), StandardCharsets.UTF_8))});
            try (Collector collector = Setup.started(config, new CollectorMetrics())) {
                Await.until("host STATE online", Duration.ofSeconds(10), () -> seen.stream().anyMatch(s -> s.contains("\"online\":true")));
                edge.publish(node.formatted("NBIRTH"), SparkplugPayloads.birth(t0, 0, 3L, List.of(), List.of()), 1, false);
                edge.publish(device.formatted("DBIRTH"), SparkplugPayloads.birth(t0, 1, null, PRESS,
                        List.of(0, BigInteger.ZERO, false, 20.0f)), 1, false);
                edge.publish(device.formatted("DDATA"), SparkplugPayloads.data(t0 + 1, 2, PRESS,
                        List.of(-5, HUGE, true, 23.4f)), 1, false);
                edge.publish(device.formatted("DDATA"), SparkplugPayloads.data(t0 + 2, 9, PRESS.subList(0, 1),
                        List.of(-7)), 1, false);
                Await.until("a rebirth NCMD after the seq gap", Duration.ofSeconds(10),
                        () -> seen.contains("spBv1.0/" + prefix + "/NCMD/Line1 rebirth=true"));
                edge.publish(device.formatted("DDATA"), SparkplugPayloads.data(t0 + 3, 10,
                        List.of(new Def("Ghost", 42, MetricDataType.Double, null)), List.of(1.0)), 1, false);
                edge.publish(device.formatted("DDEATH"), SparkplugPayloads.deviceDeath(t0 + 4, 11), 1, false);
                edge.publish(node.formatted("NDEATH"), SparkplugPayloads.nodeDeath(t0 + 5, 3), 1, false);

                String press = "sensor_id = '" + prefix + "/Line1/Press'";
                Await.until("rows loaded", Duration.ofSeconds(20), () -> db.countOrMinusOne(
                        "SELECT count(*) FROM sparkplug_status WHERE NOT online") == 2);
                assertEquals(-5, db.count("SELECT value FROM measurements WHERE " + press + " AND metric = 'Offset' AND ts = to_timestamp("
                        + (t0 + 1) + " / 1000.0)"), "Int32 keeps its sign");
                assertEquals(-7, db.count("SELECT value FROM measurements WHERE " + press + " AND metric = 'Offset' AND ts = to_timestamp("
                        + (t0 + 2) + " / 1000.0)"), "data after a gap is still read with the aliases in force");
                assertEquals(1, db.count("SELECT count(*) FROM measurements WHERE " + press
                        + " AND metric = 'Strokes' AND value = 18446744073709551000::float8 AND unit IS NULL"), "UInt64 above 2^63");
                assertEquals(1, db.count("SELECT count(*) FROM measurements WHERE " + press
                        + " AND metric = 'Temperature' AND value = 23.4 AND unit = 'C'"), "unit from the birth");
                assertEquals(1, db.count("SELECT count(*) FROM rejected_messages WHERE reason = 'sparkplug: unknown alias 42: not in the birth of "
                        + prefix + "/Line1/Press' AND payload <> ''"), "the rejection keeps its payload");
                assertEquals(2, db.count("SELECT count(*) FROM sparkplug_status WHERE group_id = '" + prefix + "' AND NOT online"
                        + " AND since IS NOT NULL"), "NDEATH and DDEATH take node and device offline");
            }
            Await.until("STATE offline on a clean stop", Duration.ofSeconds(10), () -> seen.stream().anyMatch(s -> s.contains("\"online\":false")));
            edge.disconnect();
            edge.close();

            long rows = db.count("SELECT count(*) FROM measurements");
            StringWriter out = new StringWriter();
            List<String> replay = new java.util.ArrayList<>(List.of("replay", "--from-start", "--db-url", db.url()));
            RawLines.files(dir.resolve("raw")).forEach(f -> replay.add(f.toString()));
            int code = PostgresIT.cli(Map.of(), out, replay.toArray(String[]::new));
            assertEquals(0, code, out.toString());
            assertTrue(out.toString().contains("new_rows=0"), "replay from the raw files alone finds every row already there: " + out);
            assertEquals(rows, db.count("SELECT count(*) FROM measurements"));

            LocalDate today = LocalDate.now(ZoneOffset.UTC);
            DayCompactor compactor = new DayCompactor(dir.resolve("raw"), dir.resolve("lake"), MessagePath.of(config).processor());
            compactor.compact(today);
            Path lake = DayCompactor.measurements(dir.resolve("lake"), today).resolve("part-00000.parquet");
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Connection pg = db.connect()) {
                assertEquals(LakeIT.rows(pg, "SELECT sensor_id, metric, (extract(epoch FROM ts) * 1e6)::bigint, value, unit FROM measurements ORDER BY 1, 2, 3"),
                        LakeIT.rows(duck, "SELECT sensor_id, metric, epoch_us(ts), value, unit FROM read_parquet('" + lake + "') ORDER BY 1, 2, 3"));
            }
        }
    }

    /**
     * A node that dies fires the offline rule documented in sparkplug.md: a DDEATH and then an
     * NDEATH each give {@code sparkplug_online = 0}, the rule fires for the device and the node
     * (rows in {@code alerts}, events on MQTT); the next births resolve both.
     */
    @Test
    void deathsFireTheOfflineAlert_inPostgresAndOnMqtt_andTheNextBirthsResolveIt(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        String node = "spBv1.0/" + prefix + "/%s/Line1";
        String device = node + "/Press";
        Path rules = dir.resolve("rules.yaml");
        java.nio.file.Files.writeString(rules, """
                - {name: sparkplug_offline, metric: sparkplug_online, below: 0.5}
                """);
        long t0 = System.currentTimeMillis();
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            Map<String, String> flags = flags(Setup.SHARED_BROKER, prefix, dir, db);
            flags.put("--alerts-file", rules.toString());
            flags.put("--alerts-topic-prefix", prefix + "-alerts");
            CollectorConfig config = ConfigLoader.load(null, Map.of(), flags);
            MqttClient edge = new MqttClient(Setup.SHARED_BROKER, prefix + "-edge", new MemoryPersistence());
            List<String> alerts = new CopyOnWriteArrayList<>();
            edge.connect();
            edge.subscribe(new MqttSubscription[] {new MqttSubscription(prefix + "-alerts/#", 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {
                        (t, m) -> alerts.add(t + " " + new String(m.getPayload(), StandardCharsets.UTF_8))});
            String offline = "SELECT count(*) FROM alerts WHERE rule = 'sparkplug_offline' AND state = 'firing'";
            String resolved = "SELECT count(*) FROM alerts WHERE rule = 'sparkplug_offline' AND state = 'resolved'";
            try (Collector collector = Setup.started(config, new CollectorMetrics())) {
                Await.until("alerts table", Duration.ofSeconds(30), () -> db.countOrMinusOne(offline) >= 0);
                edge.publish(node.formatted("NBIRTH"), SparkplugPayloads.birth(t0, 0, 3L, List.of(), List.of()), 1, false);
                edge.publish(device.formatted("DBIRTH"), SparkplugPayloads.birth(t0, 1, null, PRESS,
                        List.of(0, BigInteger.ZERO, false, 20.0f)), 1, false);
                edge.publish(device.formatted("DDEATH"), SparkplugPayloads.deviceDeath(t0 + 1, 2), 1, false);
                Await.until("the device's offline alert in PostgreSQL", Duration.ofSeconds(20),
                        () -> db.countOrMinusOne(offline + " AND sensor_id = '" + prefix + "/Line1/Press'") == 1);
                edge.publish(node.formatted("NDEATH"), SparkplugPayloads.nodeDeath(t0 + 2, 3), 1, false);
                Await.until("the node's offline alert in PostgreSQL", Duration.ofSeconds(20),
                        () -> db.countOrMinusOne(offline + " AND sensor_id = '" + prefix + "/Line1'") == 1);
                assertEquals(2, db.count(offline), "one firing per node or device that died");
                assertEquals(2, db.count("SELECT count(*) FROM active_alerts WHERE rule = 'sparkplug_offline'"));
                String nodeTopic = prefix + "-alerts/" + prefix + "/Line1/sparkplug_online/sparkplug_offline";
                Await.until("the firing on MQTT", Duration.ofSeconds(10),
                        () -> alerts.stream().anyMatch(a -> a.startsWith(nodeTopic + " ") && a.contains("\"state\":\"firing\"")));

                edge.publish(node.formatted("NBIRTH"), SparkplugPayloads.birth(t0 + 3, 0, 4L, List.of(), List.of()), 1, false);
                edge.publish(device.formatted("DBIRTH"), SparkplugPayloads.birth(t0 + 3, 1, null, PRESS,
                        List.of(0, BigInteger.ZERO, false, 20.0f)), 1, false);
                Await.until("births resolve both", Duration.ofSeconds(20), () -> db.countOrMinusOne(resolved) == 2);
                assertEquals(0, db.count("SELECT count(*) FROM active_alerts WHERE rule = 'sparkplug_offline'"));
                Await.until("the resolution on MQTT", Duration.ofSeconds(10),
                        () -> alerts.stream().anyMatch(a -> a.startsWith(nodeTopic + " ") && a.contains("\"state\":\"resolved\"")));
            } finally {
                // the alert topics are retained: leave nothing of the test on the shared broker
                for (String topic : alerts.stream().map(a -> a.substring(0, a.indexOf(' '))).distinct().toList()) {
                    edge.publish(topic, new byte[0], 1, true);
                }
                edge.disconnect();
                edge.close();
            }
        }
    }

    /**
     * seq across kill -9: messages published while the collector is down that continue the seq
     * of its raw files are no gap after the restart (no rebirth, gap counter 0); messages lost
     * while it was down (a skip in the seq) are one, answered by a rebirth NCMD. /metrics counts both.
     */
    @Test
    void seqAcrossKillMinus9_continuingIsNoGap_aSkipIsOne_andMetricsCountThem(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        String node = "spBv1.0/" + prefix + "/%s/Line1";
        String device = node + "/Press";
        long t0 = System.currentTimeMillis();
        try (TestDatabase db = TestDatabase.onSharedServer();
             PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            int port = io.edgecollector.collector.testing.Ports.free();
            Map<String, String> flags = flags(broker.url(), prefix, dir, db);
            flags.put("--http-port", Integer.toString(port));
            String[] args = Setup.args("run", flags);
            Path log = dir.resolve("collector.log");
            MqttClient edge = new MqttClient(broker.url(), prefix + "-edge", new MemoryPersistence());
            List<String> ncmd = new CopyOnWriteArrayList<>();
            edge.connect();
            edge.subscribe(new MqttSubscription[] {new MqttSubscription("spBv1.0/" + prefix + "/NCMD/#", 1)},
                    new org.eclipse.paho.mqttv5.client.IMqttMessageListener[] {(t, m) -> ncmd.add(t + " " + rebirth(m))});
            String rows = "SELECT count(*) FROM measurements WHERE metric = 'Offset'";
            CollectorProcess first = CollectorProcess.start(log, args).awaitSubscribed(1);
            edge.publish(node.formatted("NBIRTH"), SparkplugPayloads.birth(t0, 0, 3L, List.of(), List.of()), 1, false);
            edge.publish(device.formatted("DBIRTH"), SparkplugPayloads.birth(t0, 1, null, PRESS,
                    List.of(0, BigInteger.ZERO, false, 20.0f)), 1, false);
            for (int seq = 2; seq <= 5; seq++) {
                edge.publish(device.formatted("DDATA"), SparkplugPayloads.data(t0 + seq, seq, PRESS.subList(0, 1), List.of(seq)), 1, false);
            }
            Await.until("births and data loaded", Duration.ofSeconds(30), () -> db.countOrMinusOne(rows) == 5);
            first.kill();
            // while it is down, the broker keeps the QoS 1 messages for its persistent session
            for (int seq = 6; seq <= 7; seq++) {
                edge.publish(device.formatted("DDATA"), SparkplugPayloads.data(t0 + seq, seq, PRESS.subList(0, 1), List.of(seq)), 1, false);
            }
            try (CollectorProcess second = CollectorProcess.start(log, args).awaitSubscribed(2)) {
                Await.until("the queued messages loaded", Duration.ofSeconds(30), () -> db.countOrMinusOne(rows) == 7);
                edge.publish(device.formatted("DDATA"), SparkplugPayloads.data(t0 + 8, 8, PRESS.subList(0, 1), List.of(8)), 1, false);
                Await.until("a live message loaded", Duration.ofSeconds(30), () -> db.countOrMinusOne(rows) == 8);
                String metrics = metrics(port);
                assertEquals(0.0, sample(metrics, "edge_collector_sparkplug_seq_gaps_total"), metrics);
                assertEquals(0.0, sample(metrics, "edge_collector_sparkplug_rebirth_requests_total"));
                assertEquals(1.0, sample(metrics, "edge_collector_sparkplug_online{kind=\"node\"}"), "the node's birth from the raw files");
                assertEquals(1.0, sample(metrics, "edge_collector_sparkplug_online{kind=\"device\"}"));
                assertEquals(List.of(), ncmd, "seq 6 continues the raw files' 5: no rebirth");
                assertTrue(!second.output().contains("event=sparkplug_seq_gap"), second.output());
                second.kill();
            }
            // lost while the collector is down: seq 9 to 11 never reach the broker
            edge.publish(device.formatted("DDATA"), SparkplugPayloads.data(t0 + 12, 12, PRESS.subList(0, 1), List.of(12)), 1, false);
            edge.publish(device.formatted("DDATA"), SparkplugPayloads.data(t0 + 13, 13, PRESS.subList(0, 1), List.of(13)), 1, false);
            try (CollectorProcess third = CollectorProcess.start(log, args).awaitSubscribed(3)) {
                Await.until("a rebirth NCMD for the gap across the restart", Duration.ofSeconds(20),
                        () -> ncmd.contains("spBv1.0/" + prefix + "/NCMD/Line1 rebirth=true"));
                Await.until("both loaded", Duration.ofSeconds(30), () -> db.countOrMinusOne(rows) == 10);
                String metrics = metrics(port);
                assertEquals(1.0, sample(metrics, "edge_collector_sparkplug_seq_gaps_total"), metrics);
                assertEquals(1.0, sample(metrics, "edge_collector_sparkplug_rebirth_requests_total"));
                assertEquals(0.0, sample(metrics, "edge_collector_sparkplug_rejections_total{reason=\"unknown_alias\"}"));
                assertTrue(third.output().contains("event=sparkplug_seq_gap node=" + prefix + "/Line1 seq=12"), third.output());
                assertEquals(0, third.terminate(Duration.ofSeconds(20)), third.output());
                // the clean stop saved the birth snapshot: the next start reads no earlier raw file for births
                int usedBefore = third.output().split("event=sparkplug_snapshot_used", -1).length - 1;
                try (CollectorProcess fourth = CollectorProcess.start(log, args).awaitSubscribed(4)) {
                    edge.publish(device.formatted("DDATA"), SparkplugPayloads.data(t0 + 14, 14, PRESS.subList(0, 1), List.of(-14)), 1, false);
                    Await.until("a message after the restart loaded", Duration.ofSeconds(30), () -> db.countOrMinusOne(rows) == 11);
                    assertEquals(-14, db.count("SELECT value FROM measurements WHERE metric = 'Offset' AND ts = to_timestamp("
                            + (t0 + 14) + " / 1000.0)"), "the alias and Int32 type from a birth before the snapshot");
                    assertTrue(fourth.output().split("event=sparkplug_snapshot_used", -1).length - 1 > usedBefore, fourth.output());
                    assertEquals(0.0, sample(metrics(port), "edge_collector_sparkplug_seq_gaps_total"), "seq 14 follows the snapshot's 13");
                    assertEquals(0, fourth.terminate(Duration.ofSeconds(20)), fourth.output());
                }
            } finally {
                edge.disconnect();
                edge.close();
            }
        }
    }

    static String metrics(int port) throws Exception {
        java.net.http.HttpResponse<String> r = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        return r.body();
    }

    /** The value of one sample in Prometheus text format; fails if absent. */
    static double sample(String metrics, String series) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^" + java.util.regex.Pattern.quote(series) + " (\\S+)$")
                .matcher(metrics);
        assertTrue(m.find(), series + " missing from /metrics:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    private static String rebirth(MqttMessage m) {
        try {
            return "rebirth=" + new SparkplugBPayloadDecoder().buildFromByteArray(m.getPayload()).getMetrics().stream()
                    .anyMatch(x -> "Node Control/Rebirth".equals(x.getName()) && Boolean.TRUE.equals(x.getValue()));
        } catch (Exception e) {
            return "undecodable " + e;
        }
    }

    @Test
    void killMinus9_midStream_thenRestart_givesExactlyTheRowsPublished(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        try (TestDatabase db = TestDatabase.onSharedServer();
             PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            String[] args = Setup.args("run", flags(broker.url(), prefix, dir, db));
            Path log = dir.resolve("collector.log");
            CollectorProcess first = CollectorProcess.start(log, args).awaitSubscribed(1);
            int n = 3000;
            SparkplugEdgeNode edge = new SparkplugEdgeNode(broker.url(), prefix, "Line1", 5, 1, 7);
            edge.connect(null, null);
            CompletableFuture<Long> sent = CompletableFuture.supplyAsync(() -> {
                try {
                    return edge.run(n, 300, 0, Duration.ofMinutes(2), () -> false);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            String rows = "SELECT count(*) FROM measurements";
            Await.until("loading under way", Duration.ofSeconds(60), () -> db.countOrMinusOne(rows) >= 2000);
            first.kill();
            try (CollectorProcess second = CollectorProcess.start(log, args).awaitSubscribed(2)) {
                assertEquals(n, sent.get());
                edge.close();
                // 5 readings per DDATA; each set of births: the node's status, and per device its status and 5 metrics;
                // the NDEATH: node and both devices offline
                long expected = 5L * n + 13 * (1 + edge.rebirths()) + 3;
                Await.until("every row", Duration.ofSeconds(90), () -> db.countOrMinusOne(rows) >= expected);
                assertEquals(expected, db.count(rows), second.output());
                assertEquals(0, db.count("SELECT count(*) FROM rejected_messages"));
                assertEquals(3, db.count("SELECT count(*) FROM sparkplug_status WHERE NOT online"), "the clean close sent the NDEATH");
                assertEquals(0, second.terminate(Duration.ofSeconds(20)), second.output());
            }
        }
    }
}
