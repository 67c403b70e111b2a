package io.edgecollector.collector.web;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.zaxxer.hikari.HikariDataSource;
import io.edgecollector.collector.CollectorStatus;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.lifecycle.Component;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.ops.Exchange;
import io.edgecollector.collector.ops.StatusServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;

/**
 * The page at / and its JSON under /api/: /api/sensors (tiles), /api/series (one sensor and
 * metric over a range) and /api/status (the pipeline). The page never slows ingestion: its own
 * read-only pool of two connections, bounded queries, and once the database cannot be reached
 * it is reported unavailable for a while without asking again ({@link Reads}).
 */
public final class Dashboard implements Component {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final CollectorConfig config;
    private final CollectorStatus status;
    private final CollectorMetrics metrics;
    private final HikariDataSource pool;
    private final DashboardQueries queries;
    private final PipelineRates rates;
    private final Assets assets = new Assets();
    private final Clock clock;
    private final StatusServer server;
    private final Reads reads = new Reads();

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

    /** Routes the page and its API on the server (behind its access filter); start the server after. */
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
        Reply answer(Exchange ex) throws SQLException;
    }

    record Reply(int code, Object body) {
    }

    private void page(Exchange ex) throws IOException {
        Assets.Asset asset = assets.get(ex.path());
        if (!Http.get(ex)) {
            return;
        }
        if (asset == null) {
            Http.send(ex, 404, "application/json", Http.body(JSON.createObjectNode().put("error", "no such path: "
                    + ex.path() + " (try /, /api/status, /metrics, /health or /ready)")));
            return;
        }
        ex.setHeader("Cache-Control", "no-cache");
        ex.setHeader("X-Content-Type-Options", "nosniff");
        // scripts and styles from this server only: injected markup could not load or run anything
        ex.setHeader("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'");
        Http.send(ex, 200, asset.contentType(), asset.body());
    }

    private void json(Exchange ex, String path, Answer answer) throws IOException {
        if (!ex.path().equals(path)) {
            Http.send(ex, 404, "application/json", Http.body(JSON.createObjectNode().put("error", "no such path: "
                    + ex.path())));
            return;
        }
        if (!Http.get(ex)) {
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
        ex.setHeader("Cache-Control", "no-store");
        Http.send(ex, reply.code(), "application/json", Http.body(reply.body()));
    }

    private Reply sensors(Exchange ex) throws SQLException {
        ObjectNode out = JSON.createObjectNode().put("now", clock.instant().toString())
                .put("silent_after_seconds", config.silentAfter().toSeconds());
        out.set("sensors", reads.run(() -> queries.sensors(config.silentAfter())));
        return new Reply(200, out);
    }

    private Reply series(Exchange ex) throws SQLException {
        SeriesRequest request = SeriesRequest.parse(Http.query(ex), clock.instant());
        return new Reply(200, reads.run(() -> queries.series(request)));
    }

    /** Always answers: the pipeline comes from the process; only the rejections need the database. */
    private Reply status(Exchange ex) {
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
            out.set("rejections_last_hour", reads.run(queries::rejectionsLastHour));
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

    @Override
    public String name() {
        return "dashboard";
    }

    /** Nothing to start: the pool connects on the first read. */
    @Override
    public void start() {
    }

    /** Closes the pool (after the server stopped: the lifecycle stops in reverse order). */
    @Override
    public void stop(java.time.Duration timeout) {
        pool.close();
    }
}
