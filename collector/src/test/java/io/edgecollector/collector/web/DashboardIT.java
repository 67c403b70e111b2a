package io.edgecollector.collector.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.ConfigLoader;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.Ports;
import io.edgecollector.collector.testing.Setup;
import io.edgecollector.collector.testing.TestDatabase;
import io.edgecollector.simulator.Faults;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard of a real `collector run` after known readings were published over MQTT and
 * loaded: what /api/ answers, what the page shows in headless Chromium ({@link DashboardBrowser}),
 * and that every Grafana panel's query works against the same data.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DashboardIT {
    static final String HOSTILE = "<img src=x onerror=alert(1)>";
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final ObjectMapper JSON = new ObjectMapper();
    static final Path ROOT = Path.of("..");
    /** Known readings: one a minute for the last 30 minutes; the newest is the value the tiles must show. */
    static final int MINUTES = 30;

    @TempDir
    static Path dir;
    TestDatabase db;
    CollectorProcess collector;
    int port;
    String prefix;

    @BeforeAll
    void publishKnownReadingsAndLoadThem() throws Exception {
        prefix = Setup.prefix();
        port = Ports.free();
        db = TestDatabase.onSharedServer();
        Map<String, String> flags = Setup.flags(Setup.SHARED_BROKER, prefix, dir.resolve("raw"), Setup.registry(dir, 5));
        flags.put("--db-url", db.url());
        flags.put("--http-port", Integer.toString(port));
        flags.put("--http-bind", "127.0.0.1");
        collector = CollectorProcess.start(dir.resolve("collector.log"), Setup.args("run", flags)).awaitSubscribed(1);
        Await.until("database ready", Duration.ofSeconds(30), () -> status().path("database").asText().equals("ready"));

        long now = Instant.now().getEpochSecond();
        StringBuilder lines = new StringBuilder();
        for (int k = MINUTES - 1; k >= 0; k--) {
            long ts = now - k * 60L;
            lines.append(reading("Boiler room", "temperature", k == 0 ? 21.5 : 20 + k % 3, "C", ts));
            lines.append(reading("Freezer", "temperature", k == 0 ? -18.25 : -19 + k % 2, "C", ts));
            lines.append(reading(HOSTILE, "humidity", k == 0 ? 55.5 : 50 + k % 5, "%", ts));
        }
        lines.append("not json at all\n");
        mosquittoPubLines(prefix + "/gateway", lines.toString());
        Setup.publish(Setup.SHARED_BROKER, prefix, new Faults(0.05, 0.05, 0, 0.05, 0.05), 500, 100);
        long published = MINUTES * 3L + 1 + 500;
        Await.until("everything published is loaded", Duration.ofSeconds(60), () -> {
            JsonNode s = status();
            return s.path("loaded_total").asLong() >= published && s.path("backlog_messages").asLong() == 0;
        });
    }

    static String reading(String sensor, String metric, double value, String unit, long ts) throws Exception {
        return JSON.writeValueAsString(Map.of("sensor_id", sensor, "type", metric, "value", value, "unit", unit,
                "timestamp", ts)) + "\n";
    }

    /** One MQTT message per line, QoS 1. */
    static void mosquittoPubLines(String topic, String lines) throws Exception {
        Process p = new ProcessBuilder("mosquitto_pub", "-h", "127.0.0.1", "-p", "1883", "-q", "1", "-t", topic, "-l")
                .redirectErrorStream(true).start();
        p.getOutputStream().write(lines.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    @AfterAll
    void stop() throws Exception {
        if (collector != null) {
            collector.close();
            Files.copy(dir.resolve("collector.log"), Path.of("target/dashboard-it-collector.log"),
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (db != null) {
            db.close();
        }
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    JsonNode status() {
        try {
            return JSON.readTree(get("/api/status").body());
        } catch (Exception e) {
            return JSON.createObjectNode();
        }
    }

    static JsonNode tile(JsonNode sensors, String sensor, String metric) {
        for (JsonNode t : sensors.get("sensors")) {
            if (t.get("sensor_id").asText().equals(sensor) && t.get("metric").asText().equals(metric)) {
                return t;
            }
        }
        throw new AssertionError("no tile for " + sensor + "/" + metric + " in " + sensors);
    }

    @Test
    void apiSensors_showsTheNewestReadingOfEachSensor_withItsLastHour() throws Exception {
        HttpResponse<String> r = get("/api/sensors");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode sensors = JSON.readTree(r.body());
        JsonNode boiler = tile(sensors, "Boiler room", "temperature");
        assertEquals(21.5, boiler.get("value").asDouble());
        assertEquals("C", boiler.get("unit").asText());
        assertEquals("unknown_sensor", boiler.get("quality").asText());
        assertFalse(boiler.get("silent").asBoolean());
        assertTrue(boiler.get("age_seconds").asLong() < 120, boiler.toString());
        assertTrue(boiler.get("sparkline").get("t").size() >= MINUTES - 1, boiler.toString());
        assertEquals(-18.25, tile(sensors, "Freezer", "temperature").get("value").asDouble());
        assertEquals(55.5, tile(sensors, HOSTILE, "humidity").get("value").asDouble());
        boolean simulated = false;
        for (JsonNode t : sensors.get("sensors")) {
            simulated |= t.get("sensor_id").asText().equals("Sensor 1");
        }
        assertTrue(simulated, "the simulator's sensors are tiles too");
    }

    @Test
    void apiSeries_givesMinuteRowsForAnHour_andHourlyRowsForAWeek() throws Exception {
        String q = "/api/series?sensor_id=" + URLEncoder.encode("Boiler room", StandardCharsets.UTF_8) + "&metric=temperature";
        JsonNode hour = JSON.readTree(get(q).body());
        assertEquals("1min", hour.path("resolution").asText(), hour.toString());
        assertTrue(hour.get("t").size() >= MINUTES - 1, hour.toString());
        for (int i = 0; i < hour.get("t").size(); i++) {
            assertTrue(hour.get("min").get(i).asDouble() <= hour.get("avg").get(i).asDouble()
                    && hour.get("avg").get(i).asDouble() <= hour.get("max").get(i).asDouble());
        }
        long to = Instant.now().getEpochSecond() + 60;
        JsonNode week = JSON.readTree(get(q + "&from=" + (to - 7 * 86400) + "&to=" + to).body());
        assertEquals("1h", week.get("resolution").asText());
        long rows = 0;
        for (JsonNode c : week.get("count")) {
            rows += c.asLong();
        }
        assertEquals(MINUTES, rows, "every Boiler room reading counted once in the hourly rows: " + week);
    }

    @Test
    void apiStatus_showsThePipeline_andTheRejectionsOfTheLastHour() throws Exception {
        JsonNode s = status();
        assertEquals("subscribed", s.get("broker").asText());
        assertEquals("ready", s.get("database").asText());
        assertEquals(0, s.get("backlog_messages").asLong());
        assertTrue(s.get("raw_dir_free_bytes").asLong() > 0);
        Set<String> reasons = new java.util.HashSet<>();
        s.get("rejections_last_hour").forEach(r -> reasons.add(r.get("reason").asText()));
        assertTrue(reasons.contains("not JSON"), s.toString());
        assertTrue(reasons.contains("value must be a number, got text '…'"), "quoted parts elided: " + s);
    }

    @Test
    void dashboardPool_isReadOnly_evenForTheWriterRole() throws Exception {
        CollectorConfig config = ConfigLoader.load(null, Map.of(), Map.of("--db-url", db.url()));
        try (var pool = ReadOnlyPool.create(config); Connection c = pool.getConnection(); Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class,
                    () -> s.executeUpdate("DELETE FROM measurements WHERE sensor_id = 'Boiler room'"));
            assertEquals("25006", e.getSQLState(), e.getMessage());
            SQLException slow = assertThrows(SQLException.class, () -> s.execute("SELECT pg_sleep(5)"));
            assertEquals("57014", slow.getSQLState(), "cut by statement_timeout: " + slow.getMessage());
        }
    }

    @Test
    void browser_showsSensorsValuesAndAChart_withoutErrors_andTheHostileIdAsText() throws Exception {
        Path shot = Path.of("target/dashboard-screenshot.png");
        try (DashboardBrowser browser = DashboardBrowser.open()) {
            DashboardBrowser.Seen seen = browser.look(url("/"), "Boiler room", shot);
            assertTrue(seen.tileTexts().stream().anyMatch(t -> t.contains("Boiler room") && t.contains("21.5")
                    && t.contains("C")), seen.tileTexts().toString());
            assertTrue(seen.tileTexts().stream().anyMatch(t -> t.contains("Freezer") && t.contains("-18.25")),
                    seen.tileTexts().toString());
            assertTrue(seen.sensorIds().contains(HOSTILE), "the hostile id is shown as text: " + seen.sensorIds());
            assertEquals(0, seen.images(), "no <img> made from data");
            assertFalse(seen.alertOpened(), "the hostile id ran a script");
            assertTrue(seen.chartWidth() > 300 && seen.chartHeight() > 100, seen.toString());
            assertTrue(seen.seriesPixels() > 100, "the chart's line is drawn: " + seen);
            assertTrue(seen.sparklines() >= 3, seen.toString());
            assertEquals(List.of(), seen.consoleErrors());
        }
        assertTrue(Files.size(shot) > 10_000, "a screenshot at " + shot.toAbsolutePath());
    }

    @Test
    void everyGrafanaSqlPanel_returnsRows_asAnalyst() throws Exception {
        Instant from = Instant.now().minus(Duration.ofDays(1));
        Instant to = Instant.now().plus(Duration.ofHours(1));
        List<GrafanaPanels.Query> queries = GrafanaPanels.sql(ROOT.resolve("deploy/grafana/dashboards/sensors.json"));
        assertTrue(queries.size() >= 6, queries.toString());
        try (Connection c = db.connect(); Statement s = c.createStatement()) {
            s.execute("SET ROLE analyst");
            Map<String, String> variables = GrafanaPanels.variables(
                    ROOT.resolve("deploy/grafana/dashboards/sensors.json"), c);
            assertTrue(variables.get("sensor").contains("'Boiler room'"), variables.toString());
            List<String> empty = new ArrayList<>();
            for (GrafanaPanels.Query q : queries) {
                String sql = GrafanaPanels.expand(q.sql(), from, to, variables);
                assertFalse(sql.contains("$"), "a macro left in " + q.panel() + ": " + sql);
                try (var rs = s.executeQuery(sql)) {
                    if (!rs.next()) {
                        empty.add(q.panel());
                    }
                }
            }
            assertEquals(List.of(), empty, "panels without rows");
        }
    }

    @Test
    void everyMetricThePipelineDashboardUses_isServedAtMetrics() throws Exception {
        List<String> names = GrafanaPanels.metricNames(ROOT.resolve("deploy/grafana/dashboards/pipeline.json"));
        assertTrue(names.size() >= 12, names.toString());
        Await.until("JVM metrics registered", Duration.ofSeconds(10),
                () -> metricsText().contains("process_resident_memory_bytes"));
        Set<String> served = metricsText().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
        List<String> missing = names.stream().filter(n -> !served.contains(n)).toList();
        assertEquals(List.of(), missing, "PromQL names not in /metrics");
    }

    String metricsText() {
        try {
            return get("/metrics").body();
        } catch (Exception e) {
            return "";
        }
    }
}
