package io.edgecollector.collector.it.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.Collector;
import io.edgecollector.collector.CollectorMain;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.ConfigLoader;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.PrivateMosquitto;
import io.edgecollector.collector.testing.PrivatePostgres;
import io.edgecollector.collector.testing.RawLines;
import io.edgecollector.collector.testing.Setup;
import io.edgecollector.collector.testing.TestDatabase;
import io.edgecollector.simulator.Faults;
import io.edgecollector.simulator.Kind;
import io.edgecollector.simulator.RunResult;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** Loading into PostgreSQL: exactly once, through crashes and outages, with the right flags. */
class PostgresIT {
    static final Faults FAULTS = new Faults(0.05, 0.05, 0.05, 0.03, 0.03);
    static final String ROWS = "SELECT count(*) FROM measurements";
    static final String REJECTIONS = "SELECT count(*) FROM rejected_messages";

    static Map<String, String> flags(String broker, String prefix, Path dir, TestDatabase db) throws Exception {
        Map<String, String> f = Setup.flags(broker, prefix, dir.resolve("raw"), Setup.registry(dir, 5));
        f.put("--db-url", db.url());
        return f;
    }

    /** Waits until rows + rejections reach what was published, then checks each count. */
    static void awaitLoaded(TestDatabase db, RunResult sim, Duration max) throws SQLException {
        long expected = sim.expectedRows() + sim.count(Kind.MALFORMED);
        long deadline = System.nanoTime() + max.toNanos();
        while (db.countOrMinusOne(ROWS) + db.countOrMinusOne(REJECTIONS) < expected && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        assertAccounting(db, sim);
    }

    /** Rows + rejections = messages (duplicates are one row), each with its flag. */
    static void assertAccounting(TestDatabase db, RunResult sim) throws SQLException {
        String seen = sim.summary() + "; redelivered rejections=" + db.count(REJECTIONS + " WHERE redelivered")
                + " dup raw lines loaded as rejections";
        assertEquals(sim.count(Kind.MALFORMED), db.count(REJECTIONS), "rejections; " + seen);
        assertEquals(sim.expectedRows(), db.count(ROWS), "rows; " + seen);
        assertEquals(sim.count(Kind.VALID), db.count(ROWS + " WHERE quality = 'valid'"));
        assertEquals(sim.count(Kind.OUT_OF_RANGE), db.count(ROWS + " WHERE quality = 'out_of_range'"));
        assertEquals(sim.count(Kind.LATE), db.count(ROWS + " WHERE quality = 'stale'"));
        assertEquals(sim.count(Kind.UNKNOWN_SENSOR), db.count(ROWS + " WHERE quality = 'unknown_sensor'"));
        assertEquals(db.count(ROWS + " WHERE value IS NOT NULL AND quality <> 'missing_value'"),
                db.count("SELECT coalesce(sum(count), 0) FROM measurements_1min"), "1-minute resample counts each row once");
        assertEquals(db.count("SELECT count(*) FROM measurements WHERE quality = 'valid'"),
                db.count("SELECT coalesce(sum(valid_count), 0) FROM measurements_1min"));
    }

    static int cli(Map<String, String> env, StringWriter out, String... args) {
        CommandLine cl = CollectorMain.commandLine(env);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        return cl.execute(args);
    }

    @Test
    void everyMessage_becomesARowOrARejection_withTheRightFlag_andReplayAddsNothing(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            Map<String, String> flags = flags(Setup.SHARED_BROKER, prefix, dir, db);
            CollectorConfig config = ConfigLoader.load(null, Map.of(), flags);
            CollectorMetrics metrics = new CollectorMetrics();
            RunResult sim;
            try (Collector collector = Setup.started(config, metrics)) {
                assertTrue(collector.status().isDatabaseReady(), "database created and migrated at start");
                sim = Setup.publish(Setup.SHARED_BROKER, prefix, FAULTS, 1500, 60);
                awaitLoaded(db, sim, Duration.ofSeconds(30));
            }
            assertTrue(sim.count(Kind.DUPLICATE) > 0 && sim.count(Kind.MALFORMED) > 0 && sim.count(Kind.UNKNOWN_SENSOR) > 0);
            assertAccounting(db, sim);
            assertEquals(5, db.count("SELECT count(*) FROM sensors"));
            assertTrue(db.count("SELECT count(*) FROM rejected_messages WHERE reason = 'no timestamp (ts, timestamp or time)'"
                    + " AND payload LIKE '{\"sensor_id\":%'") > 0, "rejections keep their payload and a specific reason");

            StringWriter out = new StringWriter();
            Path raw = RawLines.files(dir.resolve("raw")).get(0);
            assertEquals(0, cli(Map.of(), out, "replay", "--from-start", "--db-url", db.url(),
                    "--sensors-file", dir.resolve("sensors.json").toString(),
                    "--topic-template", prefix + "/{sensor_id}/{metric}", raw.toString()), out.toString());
            assertTrue(out.toString().contains("new_rows=0 rejections=" + sim.count(Kind.MALFORMED)), out.toString());
            assertAccounting(db, sim);
        }
    }

    @Test
    void killMinus9_whileLoading_thenRestart_givesTheSameCountsAndNoDuplicates(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        try (TestDatabase db = TestDatabase.onSharedServer();
             PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            String[] args = Setup.args("run", flags(broker.url(), prefix, dir, db));
            Path log = dir.resolve("collector.log");
            CollectorProcess first = CollectorProcess.start(log, args).awaitSubscribed(1);
            CompletableFuture<RunResult> sim = Setup.publishAsync(broker.url(), prefix, FAULTS, 6000, 200);
            Await.until("loading under way", Duration.ofSeconds(60), () -> db.countOrMinusOne(ROWS) >= 1000);
            first.kill();
            try (CollectorProcess second = CollectorProcess.start(log, args).awaitSubscribed(2)) {
                RunResult published = sim.get();
                awaitLoaded(db, published, Duration.ofSeconds(90));
                assertEquals(0, second.terminate(Duration.ofSeconds(20)), second.output());
            }
        }
    }

    @Test
    void postgresStopped30s_midStream_intakeGoesOn_andNothingIsLost(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        try (PrivatePostgres pg = PrivatePostgres.start()) {
            TestDatabase db = new TestDatabase(pg.serverUrl());
            CollectorConfig config = ConfigLoader.load(null, Map.of(), flags(Setup.SHARED_BROKER, prefix, dir, db));
            CollectorMetrics metrics = new CollectorMetrics();
            try (Collector collector = Setup.started(config, metrics)) {
                CompletableFuture<RunResult> sim = Setup.publishAsync(Setup.SHARED_BROKER, prefix, FAULTS, 4500, 20);
                Await.until("rows loading", Duration.ofSeconds(30), () -> db.countOrMinusOne(ROWS) > 200);
                pg.stopServer();
                long ackedAtStop = metrics.acked();
                Await.until("intake goes on while the database is down", Duration.ofSeconds(30),
                        () -> metrics.acked() > ackedAtStop + 1000);
                Await.until("the loader noticed", Duration.ofSeconds(30), () -> metrics.loadFailures() > 0);
                Thread.sleep(30_000 - 5_000);
                pg.startServer();
                RunResult published = sim.get();
                assertEquals(published.total(), metrics.received());
                awaitLoaded(db, published, Duration.ofSeconds(90));
            }
        }
    }

    @Test
    void schemaNewerThanKnown_isRefusedAtStart_andDbMigrateCreatesTheDatabase(@TempDir Path dir) throws Exception {
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            StringWriter out = new StringWriter();
            assertEquals(0, cli(Map.of("COLLECTOR_DB_URL", db.url()), out, "db", "migrate"), out.toString());
            assertTrue(out.toString().contains("schema at version 3"), out.toString());
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("INSERT INTO flyway_schema_history (installed_rank, version, description, type, script, checksum,"
                        + " installed_by, execution_time, success) VALUES (99, '99', 'future', 'SQL', 'V99__future.sql', 0,"
                        + " 'postgres', 0, true)");
            }
            StringWriter err = new StringWriter();
            int code = cli(Map.of("COLLECTOR_DB_URL", db.url()), err, "run", "--raw-dir", dir.toString(),
                    "--broker-url", "tcp://127.0.0.1:1");
            assertEquals(1, code);
            assertEquals("error: database schema version 99 is newer than this collector knows (3); upgrade the collector",
                    err.toString().strip());
        }
    }

    @Test
    void aFatalLoadFailure_stopsTheDaemonWithOneLineAndExit1_keepingTheRawLines(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            String[] args = Setup.args("run", flags(Setup.SHARED_BROKER, prefix, dir, db));
            Path log = dir.resolve("collector.log");
            try (CollectorProcess p = CollectorProcess.start(log, args).awaitSubscribed(1)) {
                Await.until("database ready", Duration.ofSeconds(30), () -> p.output().contains("event=database_ready"));
                try (Connection c = db.connect(); Statement s = c.createStatement()) {
                    s.execute("DROP TABLE load_checkpoint");
                }
                Setup.publish(Setup.SHARED_BROKER, prefix, Faults.NONE, 20, 20);
                assertEquals(1, p.awaitExit(Duration.ofSeconds(30)), p.output());
                assertTrue(p.output().contains("event=load_fatal"), p.output());
                assertTrue(p.output().contains("error: ") && p.output().contains("\"load_checkpoint\" does not exist"),
                        p.output());
                assertEquals(1, p.output().split("event=load_fatal", -1).length - 1, "one fatal line, no retries");
                assertTrue(RawLines.count(dir.resolve("raw")) > 0, "what was taken is in the raw files, for the next start");
            }
        }
    }

    @Test
    void aReadingTheDatabaseRefuses_becomesARejection_andTheRestOfItsBatchLoads(@TempDir Path dir) throws Exception {
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            assertEquals(0, cli(Map.of("COLLECTOR_DB_URL", db.url()), new StringWriter(), "db", "migrate"));
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("ALTER TABLE measurements ADD CONSTRAINT no_poison CHECK (sensor_id <> 'poison')");
            }
            Path raw = dir.resolve("raw");
            java.util.List<io.edgecollector.collector.rawlog.RawLine> lines = new java.util.ArrayList<>();
            java.time.Instant at = java.time.Instant.now().minusSeconds(60);
            for (int i = 0; i < 10; i++) {
                String id = i == 4 ? "poison" : "Sensor " + i;
                byte[] payload = ("{\"sensor_id\":\"" + id + "\",\"type\":\"t\",\"value\":" + i + ",\"ts\":\"" + at + "\"}")
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8);
                lines.add(io.edgecollector.collector.rawlog.RawLineCodec.encode(at.plusMillis(i), "s/" + id, 1, payload, true, null));
            }
            try (io.edgecollector.collector.rawlog.RawLog log = new io.edgecollector.collector.rawlog.RawLog(raw, "")) {
                log.append(lines);
            }
            StringWriter out = new StringWriter();
            assertEquals(0, cli(Map.of(), out, "replay", "--db-url", db.url(), RawLines.files(raw).get(0).toString()), out.toString());
            assertEquals(9, db.count(ROWS));
            assertEquals(1, db.count(REJECTIONS + " WHERE reason LIKE 'database refused the reading: %no_poison%'"
                    + " AND payload LIKE '%poison%'"));
            assertEquals(Files.size(RawLines.files(raw).get(0)), db.count("SELECT max(byte_offset) FROM load_checkpoint"),
                    "the checkpoint passes the refused line: nothing stays stuck");
        }
    }

    @Test
    void analystRole_readsEverything_butCannotWrite() throws Exception {
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            assertEquals(0, cli(Map.of("COLLECTOR_DB_URL", db.url()), new StringWriter(), "db", "migrate"));
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("SET ROLE analyst");
                s.executeQuery("SELECT count(*) FROM measurements").close();
                s.executeQuery("SELECT * FROM sensor_health").close();
                SQLException denied = assertThrows(SQLException.class, () -> s.execute(
                        "INSERT INTO sensors (sensor_id) VALUES ('x')"));
                assertEquals("42501", denied.getSQLState());
                assertThrows(SQLException.class, () -> s.execute("DELETE FROM measurements"));
            }
        }
    }

    @Test
    void threeInstances_onASharedSubscription_splitTheLoad_andCountEveryMessageOnce(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            List<Collector> collectors = new ArrayList<>();
            List<CollectorMetrics> metrics = new ArrayList<>();
            try {
                for (String instance : List.of("a", "b", "c")) {
                    Map<String, String> f = flags(Setup.SHARED_BROKER, prefix, dir, db);
                    f.put("--topics", "$share/" + prefix + "/" + prefix + "/#");
                    f.put("--client-id", prefix + "-" + instance);
                    f.put("--instance-id", instance);
                    CollectorMetrics m = new CollectorMetrics();
                    metrics.add(m);
                    collectors.add(Setup.started(ConfigLoader.load(null, Map.of(), f), m));
                }
                RunResult sim = Setup.publish(Setup.SHARED_BROKER, prefix, FAULTS, 1500, 60);
                awaitLoaded(db, sim, Duration.ofSeconds(30));
                assertEquals(sim.total(), metrics.stream().mapToLong(CollectorMetrics::received).sum(), "each message once");
                for (CollectorMetrics m : metrics) {
                    assertTrue(m.received() > sim.total() / 10, "every instance takes a share: " + m.received());
                }
                for (String instance : List.of("a", "b", "c")) {
                    assertEquals(1, RawLines.files(dir.resolve("raw")).stream()
                            .filter(p -> p.getFileName().toString().endsWith("_" + instance + ".jsonl")).count());
                }
            } finally {
                collectors.forEach(Collector::close);
            }
        }
    }
}
