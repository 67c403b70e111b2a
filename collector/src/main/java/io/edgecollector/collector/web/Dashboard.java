package io.edgecollector.collector.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.zaxxer.hikari.HikariDataSource;
import io.edgecollector.collector.CollectorStatus;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.ops.StatusServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The page at / and its JSON under /api/: /api/sensors (tiles), /api/series (one sensor and
 * metric over a range) and /api/status (the pipeline). The page never slows ingestion: its own
 * read-only pool of two connections, bounded queries, and once the database cannot be reached
 * it is reported unavailable for {@link #BACKOFF_MILLIS} without asking again (every refresh
 * would otherwise wait out a connection timeout).
 */
public final class Dashboard implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Dashboard.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long BACKOFF_MILLIS = 5_000;

    private final CollectorConfig config;
    private final CollectorStatus status;
    private final CollectorMetrics metrics;
    private final HikariDataSource pool;
    private final DashboardQueries queries;
    private final PipelineRates rates;
    private final Assets assets = new Assets();
    private final Clock clock;
    private final StatusServer server;
    private volatile long unavailableUntil;
    private volatile String unavailableCause = "";

    private Dashboard(CollectorConfig config, CollectorStatus status, CollectorMetrics metrics, StatusServer server,
                      Clock clock) {
        this.config = config;
        this.status = status;
        this.metrics = metrics;
        this.server = server;
        this.clock = clock;
        this.pool = ReadOnlyPool.create(config);
        this.queries = new DashboardQueries(pool);
        this.rates = new PipelineRates(metrics, System::nanoTime);
    }

    /** Serves the page and its API on the server (behind its access filter). */
    public static Dashboard mount(StatusServer server, CollectorConfig config, CollectorStatus status,
                                  CollectorMetrics metrics) {
        Dashboard d = new Dashboard(config, status, metrics, server, Clock.systemUTC());
        server.route("/", d::page);
        server.route("/assets/", d::page);
        server.route("/api/sensors", ex -> d.json(ex, "/api/sensors", d::sensors));
        server.route("/api/series", ex -> d.json(ex, "/api/series", d::series));
        server.route("/api/status", ex -> d.json(ex, "/api/status", d::status));
        return d;
    }

    private interface Answer {
        Reply answer(HttpExchange ex) throws SQLException;
    }

    record Reply(int code, Object body) {
    }

    private void page(HttpExchange ex) throws IOException {
        Assets.Asset asset = assets.get(ex.getRequestURI().getPath());
        if (!get(ex)) {
            return;
        }
        if (asset == null) {
            send(ex, 404, "application/json", body(JSON.createObjectNode().put("error", "no such path: "
                    + ex.getRequestURI().getPath() + " (try /, /api/status, /metrics, /health or /ready)")));
            return;
        }
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        // scripts and styles from this server only: injected markup could not load or run anything
        ex.getResponseHeaders().set("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
        send(ex, 200, asset.contentType(), asset.body());
    }

    private void json(HttpExchange ex, String path, Answer answer) throws IOException {
        if (!ex.getRequestURI().getPath().equals(path)) {
            send(ex, 404, "application/json", body(JSON.createObjectNode().put("error", "no such path: "
                    + ex.getRequestURI().getPath())));
            return;
        }
        if (!get(ex)) {
            return;
        }
        Reply reply;
        try {
            reply = answer.answer(ex);
        } catch (IllegalArgumentException e) {
            reply = new Reply(400, JSON.createObjectNode().put("error", e.getMessage()));
        } catch (SQLException e) {
            reply = new Reply(503, unavailable(e));
        }
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, reply.code(), "application/json", body(reply.body()));
    }

    private Reply sensors(HttpExchange ex) throws SQLException {
        checkDatabase();
        ObjectNode out = JSON.createObjectNode().put("now", clock.instant().toString())
                .put("silent_after_seconds", config.silentAfter().toSeconds());
        out.set("sensors", guarded(() -> queries.sensors(config.silentAfter())));
        return new Reply(200, out);
    }

    private Reply series(HttpExchange ex) throws SQLException {
        SeriesRequest request = SeriesRequest.parse(query(ex), clock.instant());
        checkDatabase();
        return new Reply(200, guarded(() -> queries.series(request)));
    }

    /** Always answers: the pipeline comes from the process; only the rejections need the database. */
    private Reply status(HttpExchange ex) {
        PipelineRates.Rates r = rates.now();
        ObjectNode out = JSON.createObjectNode().put("now", clock.instant().toString())
                .put("broker", status.isSubscribed() ? "subscribed" : "disconnected")
                .put("database", status.isDatabaseReady() ? "ready" : "unavailable");
        rate(out, "received_per_s", r.receivedPerSecond());
        rate(out, "acked_per_s", r.ackedPerSecond());
        rate(out, "loaded_per_s", r.loadedPerSecond());
        out.put("received_total", metrics.received()).put("acked_total", metrics.acked())
                .put("loaded_total", metrics.linesLoaded()).put("rejected_total", metrics.rejectedMessages())
                .put("backlog_messages", status.backlogMessages()).put("backlog_bytes", status.backlogBytes());
        disk(out);
        out.put("alerts", server.routes("/alerts"));
        try {
            checkDatabase();
            out.set("rejections_last_hour", guarded(queries::rejectionsLastHour));
        } catch (SQLException e) {
            out.putNull("rejections_last_hour");
            out.put("database_error", unavailable(e).get("error").asText());
        }
        return new Reply(200, out);
    }

    private void disk(ObjectNode out) {
        Path dir = config.rawDir().toAbsolutePath();
        out.put("raw_dir", dir.toString());
        try {
            var store = Files.getFileStore(Files.exists(dir) ? dir : dir.getParent());
            out.put("raw_dir_free_bytes", store.getUsableSpace()).put("raw_dir_total_bytes", store.getTotalSpace());
        } catch (IOException | RuntimeException e) {
            out.putNull("raw_dir_free_bytes").putNull("raw_dir_total_bytes");
        }
    }

    private interface Read<T> {
        T read() throws SQLException;
    }

    /** Runs a read; a failure marks the database unavailable for a while. */
    private <T> T guarded(Read<T> read) throws SQLException {
        try {
            return read.read();
        } catch (SQLException e) {
            // the pool's "request timed out" hides why: the driver's error underneath says it
            Throwable root = e;
            while (root.getCause() != null) {
                root = root.getCause();
            }
            if (!unreachable(e)) {
                // the server answered (a schema not migrated yet, a statement cut by its timeout): ask again next time
                LOG.warn("event=dashboard_read_failed cause=\"{}\"", root.getMessage());
                throw new SQLException(root.getMessage(), e);
            }
            if (unavailableUntil == 0) {
                LOG.warn("event=dashboard_database_unavailable cause=\"{}\"", root.getMessage());
            }
            unavailableCause = root.getMessage();
            unavailableUntil = System.currentTimeMillis() + BACKOFF_MILLIS;
            throw new SQLException(unavailableCause, e);
        }
    }

    /** No connection (refused, timed out, broken); SQL state class 08 or the pool's timeout. */
    private static boolean unreachable(SQLException e) {
        return e instanceof java.sql.SQLTransientConnectionException
                || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
    }

    private void checkDatabase() throws SQLException {
        long until = unavailableUntil;
        if (until != 0 && System.currentTimeMillis() < until) {
            throw new SQLException(unavailableCause);
        }
        unavailableUntil = 0;
    }

    private static ObjectNode unavailable(SQLException e) {
        return JSON.createObjectNode().put("error", "database unavailable: " + e.getMessage());
    }

    private static void rate(ObjectNode out, String field, double v) {
        if (Double.isNaN(v)) {
            out.putNull(field);
        } else {
            out.put(field, Math.round(v * 10) / 10.0);
        }
    }

    static Map<String, String> query(HttpExchange ex) {
        Map<String, String> out = new HashMap<>();
        String raw = ex.getRequestURI().getRawQuery();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            out.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static boolean get(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        if (method.equals("GET") || method.equals("HEAD")) {
            return true;
        }
        ex.getResponseHeaders().set("Allow", "GET, HEAD");
        send(ex, 405, "application/json", body(JSON.createObjectNode().put("error", method + " is not allowed; use GET")));
        return false;
    }

    private static byte[] body(Object json) throws IOException {
        return (JSON.writeValueAsString(json) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    private static void send(HttpExchange ex, int code, String contentType, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", contentType);
        boolean head = ex.getRequestMethod().equals("HEAD");
        ex.sendResponseHeaders(code, head ? -1 : body.length);
        try (OutputStream out = ex.getResponseBody()) {
            if (!head) {
                out.write(body);
            }
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
