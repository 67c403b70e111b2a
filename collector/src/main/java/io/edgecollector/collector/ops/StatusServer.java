package io.edgecollector.collector.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.Filter;
import com.sun.net.httpserver.HttpContext;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.edgecollector.collector.CollectorStatus;
import io.edgecollector.collector.OutputStatus;
import io.edgecollector.collector.config.ConfigException;
import io.edgecollector.collector.config.Setting;
import io.edgecollector.collector.lifecycle.Component;
import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The daemon's HTTP side on http_port: /metrics (Prometheus text format), /health (liveness)
 * and /ready (broker, database, backlog), the last two as JSON, plus what others {@link #route}
 * here (the dashboard). GET only; a small fixed pool of daemon threads, so a slow scraper
 * cannot touch the pipeline. An access filter, when given, guards every path but /health and
 * /ready (probes and orchestrators ask those without credentials).
 */
public final class StatusServer implements Component {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final PrometheusRegistry registry;
    private final CollectorStatus status;
    private final Filter access;
    private final Set<String> routed = ConcurrentHashMap.newKeySet();
    private final Instant started = Instant.now();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private StatusServer(HttpServer server, PrometheusRegistry registry, CollectorStatus status, Filter access) {
        this.server = server;
        this.registry = registry;
        this.status = status;
        this.access = access;
    }

    /**
     * Binds all interfaces on the port (0 picks a free one, for tests); {@link #start()} serves.
     * @throws ConfigException when the port cannot be bound, naming the setting
     */
    public static StatusServer bind(int port, PrometheusRegistry registry, CollectorStatus status) {
        return bind("0.0.0.0", port, registry, status, null);
    }

    /**
     * Binds the address and port (0 picks a free one, for tests); {@link #start()} serves.
     * @param access guards every path but /health and /ready; null: open
     * @throws ConfigException when the port cannot be bound, naming the setting
     */
    public static StatusServer bind(String bind, int port, PrometheusRegistry registry, CollectorStatus status,
                                    Filter access) {
        // without TCP_NODELAY, headers and body written apart met the client's delayed ACK: small
        // answers (/api/status, 400 bytes) took 44 ms at p50 in bench/dashboard.sh, large ones 3 ms
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(bind, port), 16);
        } catch (BindException e) {
            throw new ConfigException(Setting.HTTP_PORT.key() + "=" + port + " cannot be used: " + e.getMessage()
                    + " (another process listens there; choose another port, or 0 for none)", e);
        } catch (IOException e) {
            throw new ConfigException(Setting.HTTP_PORT.key() + "=" + port + " cannot be used: " + e.getMessage(), e);
        }
        StatusServer s = new StatusServer(server, registry, status, access);
        s.route("/metrics", s::metrics);
        server.createContext("/health", s::health);
        server.createContext("/ready", s::ready);
        s.route("/", s::notFound);
        // 4: a dashboard read waiting on the database (2 s at most) must not hold up /health
        server.setExecutor(Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "collector-http");
            t.setDaemon(true);
            return t;
        }));
        return s;
    }

    /** Serves a path (and below it) behind the access filter; replaces what served it before ("/", say). */
    public void route(String path, HttpHandler handler) {
        try {
            server.removeContext(path);
        } catch (IllegalArgumentException none) {
            // nothing served the path yet
        }
        HttpContext context = server.createContext(path, handler);
        if (access != null) {
            context.getFilters().add(access);
        }
        routed.add(path);
    }

    /** Whether a path was {@link #route routed} here (the dashboard shows alerts once /alerts is served). */
    public boolean routes(String path) {
        return routed.contains(path);
    }

    /** Serves GET path with the JSON the supplier gives at each request (e.g. /alerts); behind the access filter, like any route. */
    public StatusServer addJson(String path, java.util.function.Supplier<ObjectNode> body) {
        route(path, ex -> {
            if (!refused(ex, path)) {
                sendJson(ex, 200, body.get());
            }
        });
        return this;
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public void start() {
        server.start();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private void metrics(HttpExchange ex) throws IOException {
        if (refused(ex, "/metrics")) {
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        writer.write(body, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        send(ex, 200, writer.getContentType(), body.toByteArray());
    }

    private void health(HttpExchange ex) throws IOException {
        if (refused(ex, "/health")) {
            return;
        }
        boolean alive = status.isAlive();
        ObjectNode body = JSON.createObjectNode()
                .put("status", alive ? "up" : "down")
                .put("uptime_seconds", Duration.between(started, Instant.now()).toSeconds());
        sendJson(ex, alive ? 200 : 503, body);
    }

    private void ready(HttpExchange ex) throws IOException {
        if (refused(ex, "/ready")) {
            return;
        }
        boolean broker = status.isSubscribed();
        boolean database = status.isDatabaseReady();
        boolean outputs = status.outputs().stream().allMatch(OutputStatus::isReady);
        boolean ready = status.isAlive() && broker && database && outputs;
        ObjectNode body = JSON.createObjectNode()
                .put("status", ready ? "ready" : "not_ready")
                .put("broker", broker ? "subscribed" : "disconnected")
                .put("database", database ? "ready" : "unavailable")
                .put("backlog_bytes", status.backlogBytes())
                .put("backlog_messages", status.backlogMessages());
        for (OutputStatus o : status.outputs()) {
            body.putObject(o.name())
                    .put("status", o.isReady() ? "ready" : "unavailable")
                    .put("lag_bytes", o.lagBytes())
                    .put("lag_messages", o.lagMessages());
        }
        sendJson(ex, ready ? 200 : 503, body);
    }

    private void notFound(HttpExchange ex) throws IOException {
        if (refused(ex, "/")) {
            return;
        }
        sendJson(ex, 404, JSON.createObjectNode().put("error", "no such path: " + ex.getRequestURI().getPath()
                + " (try /metrics, /health or /ready)"));
    }

    /** Only GET and HEAD of the exact path; anything else is answered here. */
    private static boolean refused(HttpExchange ex, String path) throws IOException {
        String method = ex.getRequestMethod();
        if (!"/".equals(path) && !ex.getRequestURI().getPath().equals(path)) {
            sendJson(ex, 404, JSON.createObjectNode().put("error", "no such path: " + ex.getRequestURI().getPath()));
            return true;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.getResponseHeaders().set("Allow", "GET, HEAD");
            sendJson(ex, 405, JSON.createObjectNode().put("error", method + " is not allowed; use GET"));
            return true;
        }
        return false;
    }

    private static void sendJson(HttpExchange ex, int code, ObjectNode body) throws IOException {
        send(ex, code, "application/json", (body.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Answers with a body (none for HEAD); the dashboard answers the same way. */
    public static void send(HttpExchange ex, int code, String contentType, byte[] body) throws IOException {
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
    public void stop(Duration timeout) {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
