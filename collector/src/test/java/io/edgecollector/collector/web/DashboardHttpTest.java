package io.edgecollector.collector.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecollector.collector.CollectorStatus;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.ConfigLoader;
import io.edgecollector.collector.config.Secret;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.ops.StatusServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page, its assets and /api/ over real HTTP with the database away (a port nobody listens
 * on), and the optional access control: what an operator's browser and scripts see.
 */
class DashboardHttpTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A pipeline that runs, with the database away. */
    private static final CollectorStatus RUNNING = new CollectorStatus() {
        public boolean isAlive() { return true; }
        public boolean isSubscribed() { return true; }
        public boolean isDatabaseReady() { return false; }
        public long backlogBytes() { return 2048; }
        public long backlogMessages() { return 17; }
    };

    record Served(StatusServer server, Dashboard dashboard) implements AutoCloseable {
        String url(String path) {
            return "http://127.0.0.1:" + server.port() + path;
        }

        @Override
        public void close() {
            server.stop(Duration.ofSeconds(1));
            dashboard.stop(Duration.ofSeconds(1));
        }
    }

    static Served serve(Path dir, Map<String, String> flags) {
        Map<String, String> all = new java.util.HashMap<>(flags);
        all.put("--db-url", "jdbc:postgresql://127.0.0.1:1/iot");
        all.put("--raw-dir", dir.toString());
        CollectorConfig config = ConfigLoader.load(null, Map.of(), all);
        CollectorMetrics metrics = new CollectorMetrics();
        StatusServer server = StatusServer.bind("127.0.0.1", 0, metrics.registry(), RUNNING, Access.of(config));
        Dashboard dashboard = Dashboard.mount(server, config, RUNNING, metrics);
        server.start();
        return new Served(server, dashboard);
    }

    static HttpResponse<String> get(String url, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
    }

    @Test
    void page_andUplot_comeFromTheJar_withAPolicyAgainstInjectedScripts(@TempDir Path dir) throws Exception {
        try (Served s = serve(dir, Map.of())) {
            HttpResponse<String> page = get(s.url("/"));
            assertEquals(200, page.statusCode());
            assertTrue(page.body().contains("<script src=\"/assets/uPlot.iife.min.js\""), page.body());
            assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
            HttpResponse<String> uplot = get(s.url("/assets/uPlot.iife.min.js"));
            assertEquals(200, uplot.statusCode());
            assertTrue(uplot.body().contains("uPlot") && uplot.body().length() > 40_000, "the minified uPlot build");
            assertEquals(200, get(s.url("/assets/dashboard.js")).statusCode());
            assertEquals(200, get(s.url("/assets/uPlot.min.css")).statusCode());
            // a path climbing above the root is refused as a bad request before any handler sees it
            assertEquals(400, get(s.url("/assets/../../etc/passwd")).statusCode());
            assertEquals(404, get(s.url("/nothing")).statusCode());
        }
    }

    @Test
    void databaseAway_statusStillShowsThePipeline_andSensorsSayUnavailableFast(@TempDir Path dir) throws Exception {
        try (Served s = serve(dir, Map.of())) {
            HttpResponse<String> status = get(s.url("/api/status"));
            assertEquals(200, status.statusCode());
            JsonNode st = JSON.readTree(status.body());
            assertEquals("subscribed", st.get("broker").asText());
            assertEquals("unavailable", st.get("database").asText());
            assertEquals(17, st.get("backlog_messages").asLong());
            assertTrue(st.get("raw_dir_free_bytes").asLong() > 0, status.body());
            assertTrue(st.get("rejections_last_hour").isNull());
            assertTrue(st.get("database_error").asText().startsWith("database unavailable"), status.body());
            assertFalse(st.get("alerts").asBoolean(), "no /alerts served here");

            long started = System.nanoTime();
            HttpResponse<String> sensors = get(s.url("/api/sensors"));
            assertEquals(503, sensors.statusCode());
            assertTrue(JSON.readTree(sensors.body()).get("error").asText().startsWith("database unavailable"));
            assertTrue(System.nanoTime() - started < 3_000_000_000L, "answered within the connection timeout");
            assertEquals(503, get(s.url("/api/series?sensor_id=s&metric=m")).statusCode());
        }
    }

    @Test
    void alertsSection_lightsUp_onceTheServerServesAlerts_behindTheSameAccess(@TempDir Path dir) throws Exception {
        try (Served s = serve(dir, Map.of("--http-token", "t0ken"))) {
            String token = "Bearer t0ken";
            assertFalse(JSON.readTree(get(s.url("/api/status"), "Authorization", token).body()).get("alerts").asBoolean());
            s.server().route("/alerts", ex -> {
                byte[] body = "{\"active\":[],\"recent\":[]}".getBytes(StandardCharsets.UTF_8);
                ex.send(200, "application/json", body);
            });
            assertTrue(JSON.readTree(get(s.url("/api/status"), "Authorization", token).body()).get("alerts").asBoolean());
            assertEquals(401, get(s.url("/alerts")).statusCode());
            assertEquals(200, get(s.url("/alerts"), "Authorization", token).statusCode());
        }
    }

    @Test
    void badSeriesQuestion_is400_withTheReason(@TempDir Path dir) throws Exception {
        try (Served s = serve(dir, Map.of())) {
            HttpResponse<String> r = get(s.url("/api/series?metric=m"));
            assertEquals(400, r.statusCode());
            assertEquals("sensor_id is required", JSON.readTree(r.body()).get("error").asText());
        }
    }

    @Test
    void basicAuth_guardsEverythingButHealthAndReady(@TempDir Path dir) throws Exception {
        try (Served s = serve(dir, Map.of("--http-user", "op", "--http-password", "s3cret"))) {
            String good = "Basic " + Base64.getEncoder().encodeToString("op:s3cret".getBytes(StandardCharsets.UTF_8));
            String bad = "Basic " + Base64.getEncoder().encodeToString("op:wrong".getBytes(StandardCharsets.UTF_8));
            for (String path : new String[] {"/", "/api/status", "/api/sensors", "/metrics", "/assets/dashboard.js"}) {
                HttpResponse<String> refused = get(s.url(path));
                assertEquals(401, refused.statusCode(), path);
                assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"), path);
                assertEquals(401, get(s.url(path), "Authorization", bad).statusCode(), path);
                assertFalse(refused.body().contains("s3cret"));
            }
            assertEquals(200, get(s.url("/"), "Authorization", good).statusCode());
            assertEquals(200, get(s.url("/metrics"), "Authorization", good).statusCode());
            assertEquals(200, get(s.url("/health")).statusCode());
            assertEquals(503, get(s.url("/ready")).statusCode(), "answered (not ready: the database is away), not refused");
        }
    }

    @Test
    void token_asBearer_orOnceInTheAddressThenAsCookie(@TempDir Path dir) throws Exception {
        try (Served s = serve(dir, Map.of("--http-token", "t0ken"))) {
            assertEquals(401, get(s.url("/api/status")).statusCode());
            assertEquals(200, get(s.url("/api/status"), "Authorization", "Bearer t0ken").statusCode());
            assertEquals(401, get(s.url("/api/status"), "Authorization", "Bearer t0ke").statusCode());
            HttpResponse<String> first = get(s.url("/?token=t0ken"));
            assertEquals(200, first.statusCode());
            String cookie = first.headers().firstValue("Set-Cookie").orElseThrow();
            assertTrue(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), cookie);
            assertFalse(cookie.contains("t0ken"), "the cookie does not carry the token as typed");
            String pair = cookie.substring(0, cookie.indexOf(';'));
            assertEquals(200, get(s.url("/api/sensors".replace("sensors", "status")), "Cookie", pair).statusCode());
            assertEquals(401, get(s.url("/api/status"), "Cookie", Access.COOKIE + "=bm9wZQ").statusCode());
        }
    }

    @Test
    void httpSecrets_areMasked_andUserGoesWithPassword() {
        CollectorConfig c = ConfigLoader.load(null, Map.of("COLLECTOR_HTTP_PASSWORD", "pw1", "COLLECTOR_HTTP_TOKEN", "tk2",
                "COLLECTOR_DASHBOARD_DB_PASSWORD", "pw3"), Map.of("--http-user", "op"));
        for (String shown : new String[] {c.describe(), c.oneLine(), c.toString()}) {
            assertFalse(shown.contains("pw1") || shown.contains("tk2") || shown.contains("pw3"), shown);
            assertTrue(shown.contains(Secret.MASK));
        }
        assertEquals("http.user and http.password go together: set both or neither",
                org.junit.jupiter.api.Assertions.assertThrows(io.edgecollector.collector.config.ConfigException.class,
                        () -> ConfigLoader.load(null, Map.of(), Map.of("--http-user", "op"))).getMessage());
        assertTrue(org.junit.jupiter.api.Assertions.assertThrows(io.edgecollector.collector.config.ConfigException.class,
                () -> ConfigLoader.load(null, Map.of(), Map.of("--http-bind", "localhost"))).getMessage()
                .startsWith("http_bind='localhost' must be an IP address"));
    }
}
