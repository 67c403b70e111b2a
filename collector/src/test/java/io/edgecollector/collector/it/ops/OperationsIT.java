package io.edgecollector.collector.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.Ports;
import io.edgecollector.collector.testing.Setup;
import io.edgecollector.collector.testing.TestDatabase;
import io.edgecollector.simulator.Faults;
import io.edgecollector.simulator.Kind;
import io.edgecollector.simulator.RunResult;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.edgecollector.collector.config.Setting;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What an operator watches: /metrics, /health, /ready and the status line, from a real `collector run`. */
class OperationsIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    record Reply(int status, String contentType, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    static Reply call(int port, String method, String path) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build();
        HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    /** The value of one sample in Prometheus text format, e.g. name{label="x"}; fails if absent. */
    static double sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), series + " missing from /metrics:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    static String[] args(Map<String, String> flags, int httpPort) {
        flags.put("--http-port", Integer.toString(httpPort));
        flags.put("--status-interval", "1s");
        return Setup.args("run", flags);
    }

    @Test
    void metricsHealthReadyAndStatusLine_tellWhatHappened(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        int port = Ports.free();
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            Map<String, String> flags = Setup.flags(Setup.SHARED_BROKER, prefix, dir.resolve("raw"), Setup.registry(dir, 5));
            flags.put("--db-url", db.url());
            try (CollectorProcess collector = CollectorProcess.start(dir.resolve("collector.log"), args(flags, port))
                    .awaitSubscribed(1)) {
                RunResult sim = Setup.publish(Setup.SHARED_BROKER, prefix, new Faults(0.05, 0.05, 0, 0.05, 0), 600, 50);
                Setup.mosquittoPub(prefix + "/s1/temperature", "-m", "hello from a shell");
                long messages = sim.total() + 1;
                Await.until("everything loaded", Duration.ofSeconds(30), () -> {
                    try {
                        return sample(call(port, "GET", "/metrics").body(), "edge_collector_loaded_messages_total") >= messages;
                    } catch (Exception | AssertionError e) {
                        return false;
                    }
                });
                Reply metrics = call(port, "GET", "/metrics");
                assertEquals(200, metrics.status());
                assertTrue(metrics.contentType().startsWith("text/plain"), metrics.contentType());
                String m = metrics.body();
                assertEquals(messages, sample(m, "edge_collector_messages_received_total"));
                assertEquals(messages, sample(m, "edge_collector_messages_acked_total"));
                double notJson = sample(m, "edge_collector_messages_rejected_total{reason=\"not_json\"}");
                assertTrue(notJson >= 1, "the shell's text is not JSON");
                assertEquals(db.count("SELECT count(*) FROM rejected_messages WHERE reason LIKE 'not JSON:%'"
                        + " AND reason <> 'not JSON: payload is not UTF-8 text'"), notJson);
                double rejected = 0;
                for (String reason : new String[] {"too_large", "empty", "not_utf8", "not_json", "shape", "invalid_field", "internal"}) {
                    rejected += sample(m, "edge_collector_messages_rejected_total{reason=\"" + reason + "\"}");
                }
                assertEquals(sim.count(Kind.MALFORMED) + 1, rejected, "rejections by reason add up");
                assertEquals(sim.count(Kind.VALID), sample(m, "edge_collector_readings_total{quality=\"valid\"}"));
                assertEquals(sim.count(Kind.OUT_OF_RANGE), sample(m, "edge_collector_readings_total{quality=\"out_of_range\"}"));
                assertEquals(sim.count(Kind.LATE), sample(m, "edge_collector_readings_total{quality=\"stale\"}"));
                assertEquals(db.count("SELECT count(*) FROM measurements"), sample(m, "edge_collector_loaded_rows_total"));
                assertEquals(db.count("SELECT count(*) FROM rejected_messages"), sample(m, "edge_collector_loaded_rejections_total"));
                assertEquals(messages, sample(m, "edge_collector_batch_messages_sum"));
                assertTrue(sample(m, "edge_collector_flush_seconds_count") >= 1);
                assertTrue(sample(m, "edge_collector_load_seconds_count") >= 1);
                assertEquals(0, sample(m, "edge_collector_backlog_messages"));
                assertEquals(0, sample(m, "edge_collector_backlog_bytes"));
                assertEquals(1, sample(m, "edge_collector_broker_connected"));
                assertEquals(1, sample(m, "edge_collector_database_ready"));
                assertEquals(0, sample(m, "edge_collector_load_errors_total"));
                assertEquals(0, sample(m, "edge_collector_broker_reconnects_total"));
                assertTrue(sample(m, "process_resident_memory_bytes") > 0, "process metrics are served too");

                Reply health = call(port, "GET", "/health");
                assertEquals(200, health.status());
                assertEquals("up", health.json().get("status").asText());
                Reply ready = call(port, "GET", "/ready");
                assertEquals(200, ready.status(), ready.body());
                assertEquals("subscribed", ready.json().get("broker").asText());
                assertEquals("ready", ready.json().get("database").asText());
                assertEquals(0, ready.json().get("backlog_messages").asLong());
                assertEquals(0, composeHealthcheck(port), "docker-compose.yml's healthcheck passes against this collector");
                assertEquals(404, call(port, "GET", "/nothing").status());
                assertEquals(405, call(port, "POST", "/metrics").status());

                Await.until("a status line after the last message", Duration.ofSeconds(5),
                        () -> collector.output().contains("received=" + messages + " "));
                String status = collector.output().lines().filter(l -> l.contains("event=status")).reduce((a, b) -> b).orElseThrow();
                assertTrue(status.contains("received=" + messages) && status.contains("backlog_messages=0")
                        && status.contains("database=ready") && status.contains("broker=subscribed"), status);
            }
        }
    }

    /** Runs the collector's healthcheck command from docker-compose.yml, pointed at this port. */
    static int composeHealthcheck(int port) throws Exception {
        JsonNode compose = new ObjectMapper(new YAMLFactory()).readTree(Path.of("../docker-compose.yml").toFile());
        List<String> command = new ArrayList<>();
        compose.get("services").get("collector").get("healthcheck").get("test")
                .forEach(word -> command.add(word.asText().replace(Setting.HTTP_PORT.defaultValue(), Integer.toString(port))));
        assertEquals("CMD", command.remove(0));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS), "healthcheck ends");
        return p.exitValue();
    }

    @Test
    void systemdUnits_passSystemdAnalyzeVerify() throws Exception {
        List<String> command = new ArrayList<>(List.of("systemd-analyze", "verify"));
        try (var units = Files.list(Path.of("../deploy/systemd"))) {
            units.map(u -> u.toAbsolutePath().normalize().toString()).sorted().forEach(command::add);
        }
        assertEquals(5, command.size(), "three units: " + command);
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), out);
        assertEquals("", out.strip(), "no warnings");
    }

    @Test
    void ready_saysTheDatabaseIsAway_andCountsTheBacklog(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        int port = Ports.free();
        Map<String, String> flags = Setup.flags(Setup.SHARED_BROKER, prefix, dir.resolve("raw"), Setup.registry(dir, 5));
        try (CollectorProcess collector = CollectorProcess.start(dir.resolve("collector.log"), args(flags, port))
                .awaitSubscribed(1)) {
            RunResult sim = Setup.publish(Setup.SHARED_BROKER, prefix, Faults.NONE, 300, 100);
            Await.until("backlog counted", Duration.ofSeconds(40), () -> {
                try {
                    return call(port, "GET", "/ready").json().get("backlog_messages").asLong() == sim.total();
                } catch (Exception e) {
                    return false;
                }
            });
            Reply ready = call(port, "GET", "/ready");
            assertEquals(503, ready.status(), ready.body());
            assertEquals("not_ready", ready.json().get("status").asText());
            assertEquals("subscribed", ready.json().get("broker").asText());
            assertEquals("unavailable", ready.json().get("database").asText());
            assertTrue(ready.json().get("backlog_bytes").asLong() > 0);
            assertEquals(200, call(port, "GET", "/health").status(), "alive: the raw files keep everything");
            String m = call(port, "GET", "/metrics").body();
            assertEquals(sim.total(), sample(m, "edge_collector_messages_acked_total"));
            assertEquals(0, sample(m, "edge_collector_database_ready"));
            assertTrue(sample(m, "edge_collector_load_errors_total") >= 1);
        }
    }

    @Test
    void aBusyHttpPort_stopsTheStartWithOneClearLine(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            int port = taken.getLocalPort();
            Map<String, String> flags = Setup.flags(Setup.SHARED_BROKER, Setup.prefix(), dir.resolve("raw"), Setup.registry(dir, 1));
            try (CollectorProcess collector = CollectorProcess.start(dir.resolve("collector.log"), args(flags, port))) {
                assertEquals(2, collector.awaitExit(Duration.ofSeconds(20)), collector.output());
                assertTrue(collector.output().contains("http_port=" + port + " cannot be used"), collector.output());
            }
        }
    }
}
