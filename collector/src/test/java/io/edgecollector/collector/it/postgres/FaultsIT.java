package io.edgecollector.collector.it.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.Collector;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.ConfigLoader;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.HostileCorpus;
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
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Faults, each counting every message end to end: rows + rejections = published, one row per key. */
class FaultsIT {
    static final Faults FAULTS = PostgresIT.FAULTS;

    @Test
    void killMinus9_atSeveralRandomPoints_ofA100kStream_losesAndDoublesNothing(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        Random random = new Random(20261123);
        try (TestDatabase db = TestDatabase.onSharedServer();
             PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            String[] args = Setup.args("run", PostgresIT.flags(broker.url(), prefix, dir, db));
            Path log = dir.resolve("collector.log");
            CollectorProcess collector = CollectorProcess.start(log, args).awaitSubscribed(1);
            CompletableFuture<RunResult> sim = Setup.publishAsync(broker.url(), prefix, FAULTS, 100_000, 1000);
            int runs = 1;
            for (int kill = 0; kill < 3; kill++) {
                long at = 15_000L * (kill + 1) + random.nextInt(10_000);
                Await.until("rows reach " + at, Duration.ofSeconds(120), () -> db.countOrMinusOne(PostgresIT.ROWS) >= at);
                collector.kill();
                collector = CollectorProcess.start(log, args).awaitSubscribed(++runs);
            }
            try {
                RunResult published = sim.get();
                assertEquals(0, published.failed());
                PostgresIT.awaitLoaded(db, published, Duration.ofSeconds(120));
                assertEquals(0, collector.terminate(Duration.ofSeconds(20)), collector.output());
            } finally {
                collector.close();
            }
        }
    }

    @Test
    void postgresSlow_aHeldLock_intakeGoesOn_andTheLoaderCatchesUp(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            CollectorConfig config = ConfigLoader.load(null, Map.of(), PostgresIT.flags(Setup.SHARED_BROKER, prefix, dir, db));
            CollectorMetrics metrics = new CollectorMetrics();
            try (Collector collector = Setup.started(config, metrics)) {
                CompletableFuture<RunResult> sim = Setup.publishAsync(Setup.SHARED_BROKER, prefix, FAULTS, 3000, 60);
                Await.until("rows loading", Duration.ofSeconds(30), () -> db.countOrMinusOne(PostgresIT.ROWS) > 100);
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    c.setAutoCommit(false);
                    s.execute("LOCK TABLE measurements IN ACCESS EXCLUSIVE MODE");
                    long ackedAtLock = metrics.acked();
                    Await.until("intake goes on while the table is locked", Duration.ofSeconds(30),
                            () -> metrics.acked() > ackedAtLock + 1000);
                    c.commit();
                }
                PostgresIT.awaitLoaded(db, sim.get(), Duration.ofSeconds(60));
            }
        }
    }

    @Test
    void topicsChanged_forAPersistentSession_newFiltersSubscribed_removedOnesDropped(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        Path raw = dir.resolve("raw");
        Map<String, String> flags = Setup.flags(Setup.SHARED_BROKER, prefix, raw, Setup.registry(dir, 5));
        flags.put("--topics", prefix + "/a/#");
        try (Collector collector = Setup.started(ConfigLoader.load(null, Map.of(), flags), new CollectorMetrics())) {
            send(prefix + "/a/one", "1");
            Await.until("a/one", Duration.ofSeconds(20), () -> topics(raw).contains(prefix + "/a/one"));
        }
        flags.put("--topics", prefix + "/b/#");
        try (Collector collector = Setup.started(ConfigLoader.load(null, Map.of(), flags), new CollectorMetrics())) {
            send(prefix + "/a/two", "2");
            send(prefix + "/b/one", "3");
            Await.until("b/one", Duration.ofSeconds(20), () -> topics(raw).contains(prefix + "/b/one"));
            send(prefix + "/a/three", "4");
            send(prefix + "/b/two", "5");
            Await.until("b/two", Duration.ofSeconds(20), () -> topics(raw).contains(prefix + "/b/two"));
        }
        List<String> seen = topics(raw);
        assertTrue(!seen.contains(prefix + "/a/three"), "a filter removed from the configuration is unsubscribed: " + seen);
    }

    static void send(String topic, String payload) throws Exception {
        try (Publisher p = Simulator.connect(new Simulator.Target(Setup.SHARED_BROKER, "faults-pub-" + System.nanoTime(), 1, null, null))) {
            p.publish(new Message(topic, payload.getBytes(StandardCharsets.UTF_8), Kind.VALID));
            p.flush(10_000);
        }
    }

    static List<String> topics(Path raw) {
        return RawLines.records(raw).stream().map(r -> r.get("topic").asText()).toList();
    }

    @Test
    void sigterm_midStream_flushesAcksAndExitsZero_thenNothingIsLost(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        Path raw = dir.resolve("raw");
        try (PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            String[] args = Setup.args("run", Setup.flags(broker.url(), prefix, raw, Setup.registry(dir, 5)));
            Path log = dir.resolve("collector.log");
            CollectorProcess first = CollectorProcess.start(log, args).awaitSubscribed(1);
            CompletableFuture<RunResult> sim = Setup.publishAsync(broker.url(), prefix, Faults.NONE, 6000, 200);
            Await.until("mid-stream", Duration.ofSeconds(30), () -> RawLines.count(raw) >= 1500);
            long start = System.nanoTime();
            assertEquals(0, first.terminate(Duration.ofSeconds(15)), first.output());
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(10).toNanos(), "stopped within 10 s");
            assertEquals(RawLines.count(raw), RawLines.records(raw).size(), "a clean stop leaves no torn line");
            try (CollectorProcess second = CollectorProcess.start(log, args).awaitSubscribed(2)) {
                RunResult published = sim.get();
                Await.until("every message in the raw log", Duration.ofSeconds(60),
                        () -> RawLines.records(raw).stream().map(r -> r.get("payload").toString()).distinct().count(),
                        published.total());
                assertEquals(0, second.terminate(Duration.ofSeconds(15)));
            }
        }
    }

    @Test
    void hostilePayloads_eachBecomeRowsOrARejection_andNeverBlockTheGoodOnes(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        List<byte[]> corpus = HostileCorpus.payloads();
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            CollectorConfig config = ConfigLoader.load(null, Map.of(), PostgresIT.flags(Setup.SHARED_BROKER, prefix, dir, db));
            try (Collector collector = Setup.started(config, new CollectorMetrics());
                 Publisher p = Simulator.connect(new Simulator.Target(Setup.SHARED_BROKER, prefix + "-hostile", 1, null, null))) {
                long ts = System.currentTimeMillis() / 1000;
                for (int i = 0; i < corpus.size(); i++) {
                    p.publish(new Message(prefix + "/h" + i + "/temperature", corpus.get(i), Kind.MALFORMED));
                    String good = "{\"sensor_id\":\"good-" + i + "\",\"type\":\"temperature\",\"value\":" + i + ",\"ts\":" + ts + "}";
                    p.publish(new Message(prefix + "/g" + i + "/temperature", good.getBytes(StandardCharsets.UTF_8), Kind.VALID));
                }
                p.flush(30_000);
                Await.until("every good reading stored", Duration.ofSeconds(30),
                        () -> db.countOrMinusOne("SELECT count(*) FROM measurements WHERE sensor_id LIKE 'good-%'"), (long) corpus.size());
            }
            try (Connection c = db.connect();
                 PreparedStatement rows = c.prepareStatement("SELECT count(*) FROM measurements WHERE topic = ?");
                 PreparedStatement rejected = c.prepareStatement("SELECT count(*) FROM rejected_messages WHERE topic = ?")) {
                for (int i = 0; i < corpus.size(); i++) {
                    String topic = prefix + "/h" + i + "/temperature";
                    long r = count(rows, topic);
                    long j = count(rejected, topic);
                    assertTrue(j <= 1 && r + j >= 1, "hostile payload #" + i + " gave " + r + " rows and " + j + " rejections");
                }
            }
        }
    }

    static long count(PreparedStatement p, String topic) throws Exception {
        p.setString(1, topic);
        try (ResultSet rs = p.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
