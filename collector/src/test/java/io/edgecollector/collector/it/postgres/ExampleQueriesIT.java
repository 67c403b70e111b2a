package io.edgecollector.collector.it.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.Collector;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.ConfigLoader;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.Setup;
import io.edgecollector.collector.testing.TestDatabase;
import io.edgecollector.simulator.DatasetReplay;
import io.edgecollector.simulator.Faults;
import io.edgecollector.simulator.Kind;
import io.edgecollector.simulator.ReadingGenerator;
import io.edgecollector.simulator.RunResult;
import io.edgecollector.simulator.SensorProfile;
import io.edgecollector.simulator.Simulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every query in example_queries.sql runs against real loaded data and returns what it should. */
class ExampleQueriesIT {
    static final Path QUERIES = Path.of("../example_queries.sql");
    static final Path OCCUPANCY = Path.of("src/test/resources/occupancy/datatest-sample.txt");
    static final int OCCUPANCY_METRICS = 6;

    /** The named queries of the file, in order. */
    static Map<String, String> queries() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        String name = null;
        StringBuilder sql = new StringBuilder();
        for (String line : Files.readAllLines(QUERIES)) {
            if (line.startsWith("-- name: ")) {
                if (name != null) {
                    out.put(name, sql.toString().strip());
                }
                name = line.substring("-- name: ".length()).strip();
                sql.setLength(0);
            } else if (name != null && !line.startsWith("--")) {
                sql.append(line).append('\n');
            }
        }
        out.put(name, sql.toString().strip());
        return out;
    }

    /**
     * The simulator's six sensors (the sixth never reports) plus the occupancy room, whose
     * temperature range is tight enough that real readings cross and approach its limits.
     */
    static Path registry(Path dir) throws Exception {
        String sensors = ReadingGenerator.registryJson(SensorProfile.defaults(6));
        String room = "{\"id\":\"occupancy-room\",\"type\":\"temperature\",\"unit\":\"C\","
                + "\"range\":{\"min\":19.0,\"max\":23.5},\"description\":\"UCI occupancy test room\"}";
        Path f = dir.resolve("sensors.json");
        Files.writeString(f, sensors.replaceFirst("\"sensors\" : \\[", "\"sensors\" : [ " + room + ","));
        return f;
    }

    @Test
    void everyExampleQuery_runsOnRealData_andReturnsRows(@TempDir Path dir) throws Exception {
        Map<String, String> queries = queries();
        assertTrue(queries.size() >= 18, "at least 18 queries, found " + queries.size());
        String prefix = Setup.prefix();
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            Map<String, String> flags = Setup.flags(Setup.SHARED_BROKER, prefix, dir.resolve("raw"), registry(dir));
            flags.put("--db-url", db.url());
            CollectorConfig config = ConfigLoader.load(null, Map.of(), flags);
            RunResult sim;
            RunResult room;
            try (Collector collector = Setup.started(config, new CollectorMetrics())) {
                DatasetReplay replay = DatasetReplay.load(OCCUPANCY, "occupancy-room", ZoneOffset.ofHours(1), false, prefix);
                room = Simulator.replay(new Simulator.Target(Setup.SHARED_BROKER, prefix + "-replay", 1, null, null, prefix),
                        replay, 60_000, 0, Duration.ofMinutes(2), () -> false, io.edgecollector.common.Progress.NONE);
                sim = Setup.publish(Setup.SHARED_BROKER, prefix, new Faults(0.05, 0.05, 0.02, 0.03, 0.03), 1500, 60);
                long expected = room.total() * OCCUPANCY_METRICS + sim.expectedRows() + sim.count(Kind.MALFORMED);
                Await.until("everything loaded", Duration.ofSeconds(60),
                        () -> db.countOrMinusOne("SELECT (SELECT count(*) FROM measurements) + (SELECT count(*) FROM rejected_messages)"),
                        expected);
            }
            assertEquals(1000, room.total());

            Map<String, Long> rows = new LinkedHashMap<>();
            List<String> empty = new ArrayList<>();
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                s.execute("SET ROLE analyst");
                for (Map.Entry<String, String> q : queries.entrySet()) {
                    long n = 0;
                    try (ResultSet rs = s.executeQuery(q.getValue())) {
                        while (rs.next()) {
                            n++;
                        }
                    }
                    rows.put(q.getKey(), n);
                    if (n == 0) {
                        empty.add(q.getKey());
                    }
                }
            }
            assertEquals(List.of(), empty, "queries that returned nothing; all: " + rows);
            assertEquals(db.count("SELECT count(DISTINCT (sensor_id, metric)) FROM measurements"), rows.get("latest_per_sensor"));
            assertEquals(db.count("SELECT count(DISTINCT quality) FROM measurements"), rows.get("quality_overall"));
            assertEquals(db.count("SELECT count(DISTINCT sensor_id) FROM measurements WHERE quality = 'unknown_sensor'"),
                    rows.get("unknown_sensors"));
            assertEquals(1, db.count("SELECT count(*) FROM sensor_health WHERE registered AND last_seen IS NULL"),
                    "Sensor 6 is registered and never reported");
            assertEquals((long) OCCUPANCY_METRICS * (OCCUPANCY_METRICS - 1) / 2, rows.get("metric_correlation"),
                    "every pair of the room's metrics");
            assertTrue(db.count("SELECT count(*) FROM measurements WHERE sensor_id = 'occupancy-room' AND quality = 'out_of_range'") > 0);
        }
    }
}
