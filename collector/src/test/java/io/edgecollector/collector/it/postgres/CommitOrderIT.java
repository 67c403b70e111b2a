package io.edgecollector.collector.it.postgres;

import static io.edgecollector.collector.it.postgres.PostgresIT.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgecollector.collector.parse.Quality;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.postgres.CommitOrder;
import io.edgecollector.collector.postgres.LoadBatch;
import io.edgecollector.collector.postgres.LoadTransaction;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.TestDatabase;
import java.io.StringWriter;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Two connections loading consecutive parts of one file at once ({@link CommitOrder}): their
 * transactions commit in the file's order, and a part that holds a row the part before it needs
 * gives way instead of waiting for it (a wait PostgreSQL could not see as a deadlock).
 */
class CommitOrderIT {
    private static final String FILE = "import_commitorder.jsonl";
    private static final Instant T0 = Instant.parse("2026-11-02T08:00:00Z");

    @Test
    void aLaterPartHoldingARowTheEarlierNeeds_givesWay_andEveryRowLandsOnce() throws Exception {
        try (TestDatabase db = migrated(); Connection first = db.connect(); Connection second = db.connect();
             Connection watch = db.connect()) {
            CommitOrder order = new CommitOrder(0);
            Reading shared = reading("s1", T0);
            LoadBatch earlier = new LoadBatch(FILE, 0, 100, 2, List.of(shared, reading("s1", T0.plusSeconds(60))), List.of());
            LoadBatch later = new LoadBatch(FILE, 100, 200, 2, List.of(shared, reading("s2", T0)), List.of());
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                // the later part first: it inserts the shared reading, then waits for its turn holding it
                Future<Integer> laterLoad = threads.submit(() -> new LoadTransaction(LoadTransaction.Mode.IMPORT, order).load(second, later));
                Await.until("the later part waits for its turn inside its transaction", Duration.ofSeconds(10),
                        () -> idleInTransaction(watch, db.name()) == 1);
                // the earlier part now needs the row the later one holds
                Future<Integer> earlierLoad = threads.submit(() -> new LoadTransaction(LoadTransaction.Mode.IMPORT, order).load(first, earlier));

                assertEquals(2, earlierLoad.get(20, TimeUnit.SECONDS), "the earlier part loads both its readings");
                assertEquals(1, laterLoad.get(20, TimeUnit.SECONDS), "the later part, done again, adds only its new reading");
            } finally {
                threads.shutdownNow();
            }
            assertEquals(3, db.count("SELECT count(*) FROM measurements"));
            assertEquals(1, db.count("SELECT count(*) FROM measurements WHERE sensor_id = 's1' AND ts = '" + T0 + "'"));
            assertEquals(3, db.count("SELECT sum(count) FROM measurements_1min"), "each reading in its minute once");
            assertEquals(200, db.count("SELECT byte_offset FROM load_checkpoint WHERE raw_file = '" + FILE + "'"));
            assertEquals(4, db.count("SELECT lines FROM load_checkpoint WHERE raw_file = '" + FILE + "'"));
        }
    }

    @Test
    void manyPartsOnTwoConnections_sharingMinutesAndRepeatingReadings_endAsOneConnectionWouldLoadThem() throws Exception {
        List<LoadBatch> parts = new ArrayList<>();
        Random random = new Random(18);
        long offset = 0;
        int second = 0;
        for (int p = 0; p < 60; p++) {
            List<Reading> readings = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                // 20 s apart, so most parts begin inside a minute the part before ended in
                readings.add(reading("s" + (i % 3), T0.plusSeconds(20L * (second++ / 3))));
                if (random.nextInt(25) == 0 && second > 6) { // a reading of an earlier part again
                    readings.add(reading("s" + (i % 3), T0.plusSeconds(20L * ((second - 6) / 3))));
                }
            }
            parts.add(new LoadBatch(FILE, offset, offset + 1000, 40, readings, List.of()));
            offset += 1000;
        }
        try (TestDatabase parallel = migrated(); TestDatabase alone = migrated()) {
            CommitOrder order = new CommitOrder(0);
            ExecutorService threads = Executors.newFixedThreadPool(2);
            try {
                List<Future<?>> loads = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    int start = t;
                    loads.add(threads.submit(() -> {
                        LoadTransaction load = new LoadTransaction(LoadTransaction.Mode.IMPORT, order);
                        try (Connection c = parallel.connect()) {
                            for (int p = start; p < parts.size(); p += 2) {
                                load.load(c, parts.get(p));
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : loads) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                threads.shutdownNow();
            }
            LoadTransaction load = new LoadTransaction(LoadTransaction.Mode.IMPORT);
            try (Connection c = alone.connect()) {
                for (LoadBatch part : parts) {
                    load.load(c, part);
                }
            }
            for (String table : List.of("measurements", "measurements_1min", "load_checkpoint")) {
                String rows = "SELECT count(*) || ' ' || md5(string_agg(t::text, '|' ORDER BY t::text)) FROM (SELECT "
                        + (table.equals("load_checkpoint") ? "raw_file, byte_offset, lines" : "*") + " FROM " + table + ") t";
                assertEquals(text(alone, rows), text(parallel, rows), table);
            }
            assertEquals(offset, parallel.count("SELECT byte_offset FROM load_checkpoint"));
            assertEquals(0, parallel.count("""
                    SELECT count(*) FROM measurements_1min m FULL JOIN (
                        SELECT sensor_id, metric, date_trunc('minute', ts) AS minute, count(*) AS n, sum(value) AS total
                        FROM measurements GROUP BY 1, 2, 3) a USING (sensor_id, metric, minute)
                    WHERE m.count IS DISTINCT FROM a.n OR m.sum IS DISTINCT FROM a.total"""),
                    "every minute counts each stored reading once");
            assertEquals(alone.count("SELECT sum(count) FROM measurements_1min"), parallel.count("SELECT sum(count) FROM measurements_1min"));
        }
    }

    private static TestDatabase migrated() {
        TestDatabase db = TestDatabase.onSharedServer();
        assertEquals(0, cli(Map.of("COLLECTOR_DB_URL", db.url()), new StringWriter(), "db", "migrate"));
        return db;
    }

    private static Reading reading(String sensor, Instant ts) {
        return new Reading(sensor, "temperature", ts, (double) (ts.getEpochSecond() % 97), "C", null, null,
                "import/history.csv", T0, Quality.UNKNOWN_SENSOR);
    }

    private static String text(TestDatabase db, String sql) throws java.sql.SQLException {
        try (Connection c = db.connect(); var s = c.createStatement(); var rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long idleInTransaction(Connection c, String db) {
        try (var s = c.prepareStatement("SELECT count(*) FROM pg_stat_activity WHERE datname = ? AND state = 'idle in transaction'")) {
            s.setString(1, db);
            try (var rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (java.sql.SQLException e) {
            return -1;
        }
    }
}
