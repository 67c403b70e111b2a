package io.edgecollector.collector.it.ops;

import io.edgecollector.collector.it.postgres.PostgresIT;


import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.Ports;
import io.edgecollector.collector.testing.Setup;
import io.edgecollector.collector.testing.TestDatabase;
import java.io.IOException;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Alerts end to end: a collector process, the shared Mosquitto and PostgreSQL, a real webhook receiver. */
class AlertsIT {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ALERTS = "SELECT count(*) FROM alerts";

    @Test
    void thresholdRateAndSilence_fireAndResolve_onMqttRetained_inPostgres_onHttp_andAtAWebhookThatRefusedThreeTimes(
            @TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        Path rules = write(dir.resolve("rules.yaml"), """
                - {name: too_hot, sensors: "Sensor *", metric: temperature, above: 40, clear_below: 38, for: 2s}
                - {name: jumping, metric: pressure, rate_above: 5}
                - {name: quiet, sensors: "Quiet*", silent_for: 2s}
                """);
        int port = Ports.free();
        try (TestDatabase db = TestDatabase.onSharedServer();
             Webhook hook = Webhook.refusingFirst(3);
             Subscriber live = Subscriber.of(prefix + "-alerts/#");
             Sensors sensors = new Sensors(prefix)) {
            Map<String, String> flags = flags(prefix, dir, db, rules);
            flags.put("--alerts-webhook-url", hook.url());
            flags.put("--http-port", Integer.toString(port));
            Path log = dir.resolve("collector.log");
            try (CollectorProcess collector = CollectorProcess.start(log, Map.of("COLLECTOR_ALERTS_WEBHOOK_TOKEN", "tok-123"),
                    Setup.args("run", flags)).awaitSubscribed(1)) {
                Await.until("alerts table", Duration.ofSeconds(30), () -> db.countOrMinusOne(ALERTS) >= 0);
                long t = Instant.now().getEpochSecond();
                sensors.send("Quiet 1", "temperature", t, 20);
                sensors.send("Sensor 1", "temperature", t, 30);
                sensors.send("Sensor 1", "temperature", t + 1, 41);
                sensors.send("Sensor 1", "temperature", t + 2, 42);
                sensors.send("Sensor 2", "pressure", t, 1000);
                sensors.send("Sensor 2", "pressure", t + 30, 1010);
                Await.until("too_hot not yet: held 1 s of 2 s", Duration.ofSeconds(10), () -> live.states("too_hot").isEmpty()
                        && live.states("jumping").equals(List.of("firing")));
                sensors.send("Sensor 1", "temperature", t + 3, 43);
                Await.until("too_hot, jumping and quiet fire", Duration.ofSeconds(20),
                        () -> db.countOrMinusOne("SELECT count(*) FROM active_alerts") == 3);
                JsonNode http = JSON.readTree(OperationsIT.call(port, "GET", "/alerts").body());
                assertEquals(3, http.get("count").asInt(), http.toString());
                assertEquals(Set.of("too_hot", "jumping", "quiet"), names(http.get("firing")));

                sensors.send("Sensor 1", "temperature", t + 4, 39);
                sensors.send("Sensor 1", "temperature", t + 5, 37);
                sensors.send("Sensor 2", "pressure", t + 90, 1011);
                sensors.send("Quiet 1", "temperature", t + 10, 21);
                Await.until("all resolved", Duration.ofSeconds(20),
                        () -> db.countOrMinusOne(ALERTS) == 6 && db.countOrMinusOne("SELECT count(*) FROM active_alerts") == 0);
                assertEquals(List.of("firing", "resolved"), live.states("too_hot"), "39 is not below clear_below 38");
                assertEquals(List.of("firing", "resolved"), live.states("jumping"));
                assertEquals(List.of("firing", "resolved"), live.states("quiet"));
                assertEquals(List.of("firing 43.0 40.0", "resolved 37.0 40.0"), rows(db, "too_hot"));
                assertEquals(0, JSON.readTree(OperationsIT.call(port, "GET", "/alerts").body()).get("count").asInt());

                Set<String> ids = eventIds(db);
                Await.until("the webhook got every event", Duration.ofSeconds(30), () -> hook.received().containsAll(ids));
                assertEquals(3, hook.refused.get(), "the first 3 attempts were refused");
                assertTrue(hook.authorizations.stream().allMatch("Bearer tok-123"::equals), "bearer token sent");
                String metrics = OperationsIT.call(port, "GET", "/metrics").body();
                assertEquals(1.0, OperationsIT.sample(metrics, "edge_collector_alert_events_total{rule=\"too_hot\",state=\"firing\"}"));
                assertEquals(0.0, OperationsIT.sample(metrics, "edge_collector_alerts_firing{rule=\"too_hot\"}"));
                assertTrue(OperationsIT.sample(metrics, "edge_collector_alert_delivery_failures_total{output=\"webhook\"}") >= 1);
                assertTrue(!collector.output().contains("tok-123"), "the token is never logged");
                assertEquals(0, collector.terminate(Duration.ofSeconds(20)), collector.output());
            }
            Map<String, String> retained = Subscriber.retained(prefix + "-alerts/#", 3);
            assertEquals("resolved", JSON.readTree(retained.get(prefix + "-alerts/Sensor 1/temperature/too_hot")).get("state").asText(),
                    "a late subscriber sees the current state: " + retained.keySet());
            assertEquals("resolved", JSON.readTree(retained.get(prefix + "-alerts/Quiet 1/*/quiet")).get("state").asText());

            StringWriter out = new StringWriter();
            List<String> replay = new ArrayList<>(List.of("replay", "--from-start"));
            replay.addAll(rawFiles(dir.resolve("raw")));
            replay.addAll(List.of(Setup.args("", flags)).subList(1, Setup.args("", flags).length));
            assertEquals(0, PostgresIT.cli(Map.of(), out, replay.toArray(String[]::new)), out.toString());
            assertEquals(6, db.count(ALERTS), "replay --from-start adds no alert rows");
        }
    }

    @Test
    void killMinus9_afterAnAlertIsLoggedButBeforeItIsLoaded_restartLoadsItOnce_andDoesNotFireAgain(@TempDir Path dir)
            throws Exception {
        String prefix = Setup.prefix();
        Path rules = write(dir.resolve("rules.yaml"), "- {name: too_hot, metric: temperature, above: 40, clear_below: 38}\n");
        try (TestDatabase db = TestDatabase.onSharedServer();
             Webhook hook = Webhook.refusingFirst(0);
             Subscriber live = Subscriber.of(prefix + "-alerts/#");
             Sensors sensors = new Sensors(prefix)) {
            Map<String, String> flags = flags(prefix, dir, db, rules);
            flags.put("--alerts-webhook-url", hook.url());
            String[] args = Setup.args("run", flags);
            Path log = dir.resolve("collector.log");
            long t = Instant.now().getEpochSecond();
            CollectorProcess first = CollectorProcess.start(log, args).awaitSubscribed(1);
            Await.until("alerts table", Duration.ofSeconds(30), () -> db.countOrMinusOne(ALERTS) >= 0);
            try (Connection lock = db.connect(); Statement s = lock.createStatement()) {
                lock.setAutoCommit(false);
                s.execute("LOCK TABLE alerts IN ACCESS EXCLUSIVE MODE");
                sensors.send("Sensor 1", "temperature", t, 41);
                Await.until("the firing is in the alert log", Duration.ofSeconds(20),
                        () -> alertLogLines(dir.resolve("raw")) == 1);
                first.kill();
                lock.rollback();
            } finally {
                first.close();
            }
            assertEquals(0, db.count(ALERTS), "killed before the row was loaded");
            try (CollectorProcess second = CollectorProcess.start(log, args).awaitSubscribed(2)) {
                Await.until("the firing row", Duration.ofSeconds(20), () -> db.countOrMinusOne(ALERTS) == 1);
                sensors.send("Sensor 1", "temperature", t + 1, 42);
                sensors.send("Sensor 1", "temperature", t + 2, 37);
                Await.until("the resolved row", Duration.ofSeconds(20), () -> db.countOrMinusOne(ALERTS) == 2);
                assertEquals(List.of("firing 41.0 40.0", "resolved 37.0 40.0"), rows(db, "too_hot"),
                        "one row per transition; 42 did not fire again after the restart");
                Set<String> ids = eventIds(db);
                Await.until("MQTT and the webhook got both events (at least once)", Duration.ofSeconds(20),
                        () -> live.ids().containsAll(ids) && hook.received().containsAll(ids));
                assertEquals(2, alertLogLines(dir.resolve("raw")), "two transitions in the alert log");
                assertEquals(0, second.terminate(Duration.ofSeconds(20)), second.output());
            }
            assertEquals("resolved", JSON.readTree(Subscriber.retained(prefix + "-alerts/#", 1)
                    .get(prefix + "-alerts/Sensor 1/temperature/too_hot")).get("state").asText());
        }
    }

    @Test
    void killMinus9_atRandomPoints_ofAStreamOfTransitions_losesNoneAndRepeatsNone(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        Path rules = write(dir.resolve("rules.yaml"), "- {name: too_hot, metric: temperature, above: 40}\n");
        java.util.Random random = new java.util.Random(20261202);
        int readings = 120;
        try (TestDatabase db = TestDatabase.onSharedServer();
             Subscriber live = Subscriber.of(prefix + "-alerts/#");
             Sensors sensors = new Sensors(prefix)) {
            String[] args = Setup.args("run", flags(prefix, dir, db, rules));
            Path log = dir.resolve("collector.log");
            CollectorProcess collector = CollectorProcess.start(log, args).awaitSubscribed(1);
            int runs = 1;
            long t = Instant.now().getEpochSecond();
            try {
                for (int i = 0; i < readings; i++) {
                    // every reading crosses: 41, 39, 41, ... is one transition each
                    sensors.send("Sensor 1", "temperature", t + i, i % 2 == 0 ? 41 : 39);
                    if (i % 30 == 29) {
                        Thread.sleep(random.nextInt(300));
                        collector.kill();
                        collector = CollectorProcess.start(log, args).awaitSubscribed(++runs);
                    } else {
                        Thread.sleep(10);
                    }
                }
                Await.until(readings + " alert rows", Duration.ofSeconds(60), () -> db.countOrMinusOne(ALERTS) >= readings);
                Set<String> ids = eventIds(db);
                Await.until("MQTT got every event", Duration.ofSeconds(30), () -> live.ids().containsAll(ids));
                assertEquals(0, collector.terminate(Duration.ofSeconds(20)), collector.output());
            } finally {
                collector.close();
            }
            assertEquals(readings, db.count(ALERTS), "one row per transition");
            List<String> states = new ArrayList<>();
            for (String row : rows(db, "too_hot")) {
                states.add(row.split(" ")[0]);
            }
            for (int i = 0; i < readings; i++) {
                assertEquals(i % 2 == 0 ? "firing" : "resolved", states.get(i), "transition " + i + " of " + states);
            }
            Subscriber.retained(prefix + "-alerts/#", 1);
        }
    }

    @Test
    void sighup_withAGoodFile_addsARuleAndKeepsTheStateOfTheOthers_andWithABadFile_keepsTheRulesAndSaysWhy(
            @TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        Path rules = write(dir.resolve("rules.yaml"), "- {name: too_hot, metric: temperature, above: 40}\n");
        try (TestDatabase db = TestDatabase.onSharedServer(); Sensors sensors = new Sensors(prefix)) {
            Map<String, String> flags = flags(prefix, dir, db, rules);
            Path log = dir.resolve("collector.log");
            long t = Instant.now().getEpochSecond();
            try (CollectorProcess collector = CollectorProcess.start(log, Setup.args("run", flags)).awaitSubscribed(1)) {
                sensors.send("Sensor 1", "temperature", t, 41);
                Await.until("too_hot fires", Duration.ofSeconds(30), () -> db.countOrMinusOne(ALERTS) == 1);

                write(rules, "- {name: too_hot, metric: temperature, above: 40}\n- {name: too_cold, metric: temperature, below: 0}\n");
                hangup(collector);
                Await.until("reloaded", Duration.ofSeconds(10), () -> collector.output().contains("event=reloaded"));
                sensors.send("Sensor 1", "temperature", t + 1, 45);
                sensors.send("Sensor 2", "temperature", t + 1, -5);
                Await.until("too_cold fires", Duration.ofSeconds(20), () -> db.countOrMinusOne(ALERTS) == 2);

                write(rules, "- {name: too_hot, metric: temperature, above: 40, clear_below: 45}\n");
                hangup(collector);
                Await.until("refused", Duration.ofSeconds(10), () -> collector.output().contains("event=reload_refused"));
                List<String> refusals = collector.output().lines().filter(l -> l.contains("event=reload_refused")).toList();
                assertEquals(1, refusals.size(), collector.output());
                assertTrue(refusals.get(0).contains("alert rule 'too_hot': clear_below 45.0 is above above=40.0"), refusals.get(0));

                sensors.send("Sensor 2", "temperature", t + 2, 5);
                sensors.send("Sensor 1", "temperature", t + 2, 39);
                Await.until("both resolve under the rules kept", Duration.ofSeconds(20), () -> db.countOrMinusOne(ALERTS) == 4);
                assertEquals(List.of("firing 41.0 40.0", "resolved 39.0 40.0"), rows(db, "too_hot"),
                        "too_hot kept its state through the reload: 45 did not fire it again");
                assertEquals(List.of("firing -5.0 0.0", "resolved 5.0 0.0"), rows(db, "too_cold"));
                assertEquals(0, collector.terminate(Duration.ofSeconds(20)), collector.output());
            }
            assertEquals(2, Subscriber.retained(prefix + "-alerts/#", 2).size());
        }
    }

    static Map<String, String> flags(String prefix, Path dir, TestDatabase db, Path rules) throws Exception {
        Map<String, String> f = PostgresIT.flags(Setup.SHARED_BROKER, prefix, dir, db);
        f.put("--alerts-file", rules.toString());
        f.put("--alerts-topic-prefix", prefix + "-alerts");
        return f;
    }

    static Path write(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        return Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static void hangup(CollectorProcess p) throws Exception {
        assertEquals(0, new ProcessBuilder("kill", "-HUP", Long.toString(p.pid())).start().waitFor());
    }

    static Set<String> names(JsonNode firing) {
        Set<String> out = new TreeSet<>();
        firing.forEach(n -> out.add(n.get("rule").asText()));
        return out;
    }

    /** "state value limit" per row of a rule, in reading-time order. */
    static List<String> rows(TestDatabase db, String rule) throws Exception {
        List<String> out = new ArrayList<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT state, value, limit_value FROM alerts WHERE rule = '" + rule
                     + "' ORDER BY reading_ts, at")) {
            while (rs.next()) {
                out.add(rs.getString(1) + " " + rs.getDouble(2) + " " + rs.getDouble(3));
            }
        }
        return out;
    }

    static Set<String> eventIds(TestDatabase db) throws Exception {
        Set<String> out = new TreeSet<>();
        try (Connection c = db.connect(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT event_id FROM alerts")) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }

    static long alertLogLines(Path raw) {
        try (Stream<Path> files = Files.list(raw)) {
            long n = 0;
            for (Path f : files.filter(f -> f.getFileName().toString().startsWith("alerts_")).toList()) {
                n += Files.readAllLines(f).stream().filter(l -> !l.isBlank()).count();
            }
            return n;
        } catch (IOException e) {
            return -1;
        }
    }

    static List<String> rawFiles(Path raw) throws IOException {
        try (Stream<Path> files = Files.list(raw)) {
            return files.filter(f -> f.getFileName().toString().startsWith("raw_")).map(Path::toString).sorted().toList();
        }
    }

    /** Publishes readings (message shape 1) QoS 1 to the collector's topics. */
    static final class Sensors implements AutoCloseable {
        private final String prefix;
        private final MqttClient client;

        Sensors(String prefix) throws Exception {
            this.prefix = prefix;
            this.client = new MqttClient(Setup.SHARED_BROKER, prefix + "-sensors", new MemoryPersistence());
            client.connect();
        }

        void send(String sensor, String metric, long epochSecond, double value) throws Exception {
            String payload = JSON.createObjectNode().put("sensor_id", sensor).put("type", metric).put("value", value)
                    .put("timestamp", epochSecond).toString();
            client.publish(prefix + "/" + sensor.replace(' ', '_') + "/" + metric,
                    new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), 1, false, null));
        }

        @Override
        public void close() throws Exception {
            client.disconnect();
            client.close();
        }
    }

    /** Records alert events published on a filter, in arrival order per rule. */
    static final class Subscriber implements AutoCloseable {
        private final MqttClient client;
        private final List<JsonNode> events = new CopyOnWriteArrayList<>();

        private Subscriber(String filter) throws Exception {
            client = new MqttClient(Setup.SHARED_BROKER, "alerts-sub-" + System.nanoTime(), new MemoryPersistence());
            client.connect();
            subscribe(client, filter, (topic, m) -> events.add(JSON.readTree(m.getPayload())));
        }

        /** Paho 1.2.5's subscribe(String, int, listener) calls itself forever: the array form works. */
        static void subscribe(MqttClient c, String filter, IMqttMessageListener listener) throws Exception {
            c.subscribe(new MqttSubscription[] {new MqttSubscription(filter, 1)}, new IMqttMessageListener[] {listener});
        }

        static Subscriber of(String filter) throws Exception {
            return new Subscriber(filter);
        }

        List<String> states(String rule) {
            return events.stream().filter(e -> e.get("rule").asText().equals(rule)).map(e -> e.get("state").asText()).toList();
        }

        Set<String> ids() {
            Set<String> out = new TreeSet<>();
            events.forEach(e -> out.add(e.get("event_id").asText()));
            return out;
        }

        /**
         * What a subscriber that comes now receives at once: the retained message of each topic.
         * Then clears them, so the shared broker keeps nothing of the test.
         */
        static Map<String, String> retained(String filter, int expected) throws Exception {
            Map<String, String> out = new ConcurrentHashMap<>();
            MqttClient c = new MqttClient(Setup.SHARED_BROKER, "alerts-late-" + System.nanoTime(), new MemoryPersistence());
            MqttConnectionOptions o = new MqttConnectionOptions();
            c.connect(o);
            try {
                subscribe(c, filter, (topic, m) -> {
                    if (m.isRetained()) {
                        out.put(topic, new String(m.getPayload(), StandardCharsets.UTF_8));
                    }
                });
                Await.until(expected + " retained alerts", Duration.ofSeconds(10), () -> out.size() >= expected);
                for (String topic : out.keySet()) {
                    c.publish(topic, new MqttMessage(new byte[0], 1, true, null));
                }
            } finally {
                c.disconnect();
                c.close();
            }
            return out;
        }

        @Override
        public void close() throws Exception {
            client.disconnect();
            client.close();
        }
    }

    /** A webhook receiver that answers 503 to its first n requests, then 204, keeping what it accepted. */
    static final class Webhook implements AutoCloseable {
        final AtomicInteger refused = new AtomicInteger();
        final List<String> authorizations = new CopyOnWriteArrayList<>();
        private final Set<String> received = Collections.newSetFromMap(new ConcurrentHashMap<>());
        private final HttpServer server;

        private Webhook(int refuseFirst) throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 8);
            server.createContext("/hook", ex -> {
                byte[] body = ex.getRequestBody().readAllBytes();
                authorizations.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
                if (refused.get() < refuseFirst) {
                    refused.incrementAndGet();
                    ex.sendResponseHeaders(503, -1);
                } else {
                    received.add(JSON.readTree(body).get("event_id").asText());
                    ex.sendResponseHeaders(204, -1);
                }
                ex.close();
            });
            server.start();
        }

        static Webhook refusingFirst(int n) throws IOException {
            return new Webhook(n);
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        Set<String> received() {
            return received;
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
