package io.edgecollector.collector.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLContext;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The daemon's HTTP side on http_port: /metrics (Prometheus text format), /health (liveness)
 * and /ready (broker, database, backlog), the last two as JSON, plus what others {@link #route}
 * here (the dashboard, /alerts) and {@link #routeDirect} (POST /ingest). Served by Jetty's core
 * server (no servlets): connections wait for their bytes without holding a thread, so slow or
 * idle clients cannot starve /health; a connection idle for {@link #IDLE_TIMEOUT} (while sending
 * its headers or body, too) is closed; at most {@link #MAX_CONNECTIONS} are open at once; the
 * handlers run on a bounded pool of daemon threads, apart from the pipeline's. Optional TLS.
 * An access guard, when given, guards every routed path but /health and /ready (probes and
 * orchestrators ask those without credentials).
 */
public final class StatusServer implements Component {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A connection sending nothing (headers, body, or the next request) this long is closed. */
    public static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);
    /** Connections open at once; more wait in the listen backlog until one closes. */
    public static final int MAX_CONNECTIONS = 1000;
    /** Handler threads: a dashboard read waiting on the database (2 s at most) holds one. */
    static final int MAX_THREADS = 64;

    /** A path's handler; answers through the exchange exactly once. */
    public interface Route {
        void handle(Exchange ex) throws IOException;
    }

    /** Who may pass: answers the refusal itself (401) and returns false, or returns true. */
    public interface Guard {
        boolean admit(Exchange ex);
    }

    /** A handler of Jetty's own API, for a path that reads a body or answers later (POST /ingest). */
    public interface DirectRoute {
        /** As Jetty's Handler.handle: true when it took the request (and completes the callback). */
        boolean handle(Request request, Response response, Callback callback) throws Exception;
    }

    private record Entry(Route route, DirectRoute direct, boolean guarded) {
    }

    private final Server server;
    private final ServerConnector connector;
    private final PrometheusRegistry registry;
    private final CollectorStatus status;
    private final Guard access;
    private final Map<String, Entry> routes = new ConcurrentHashMap<>();
    private final Instant started = Instant.now();
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    private StatusServer(Server server, ServerConnector connector, PrometheusRegistry registry, CollectorStatus status,
                         Guard access) {
        this.server = server;
        this.connector = connector;
        this.registry = registry;
        this.status = status;
        this.access = access;
    }

    /**
     * Binds all interfaces on the port (0 picks a free one, for tests); {@link #start()} serves.
     * @throws ConfigException when the port cannot be bound, naming the setting
     */
    public static StatusServer bind(int port, PrometheusRegistry registry, CollectorStatus status) {
        return bind("0.0.0.0", port, registry, status, null, null);
    }

    /** As below, without TLS. */
    public static StatusServer bind(String bind, int port, PrometheusRegistry registry, CollectorStatus status,
                                    Guard access) {
        return bind(bind, port, registry, status, access, null);
    }

    /**
     * Binds the address and port (0 picks a free one, for tests); {@link #start()} serves.
     * @param access guards every routed path but /health and /ready; null: open
     * @param tls    serves HTTPS with this context; null: plain HTTP
     * @throws ConfigException when the port cannot be bound, naming the setting
     */
    public static StatusServer bind(String bind, int port, PrometheusRegistry registry, CollectorStatus status,
                                    Guard access, SSLContext tls) {
        QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS, 4, 60_000);
        threads.setName("collector-http");
        threads.setDaemon(true);
        Server server = new Server(threads);
        server.setStopTimeout(1000);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendDateHeader(true);
        http.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        // the defaults: a path climbing above the root, or an ambiguous one, is a 400 before any handler
        http.setUriCompliance(UriCompliance.DEFAULT);
        http.setHttpCompliance(HttpCompliance.RFC9110);
        ConnectionFactory[] factories;
        if (tls != null) {
            SecureRequestCustomizer secure = new SecureRequestCustomizer();
            secure.setSniHostCheck(false); // devices reach the box by IP as often as by the certificate's name
            http.addCustomizer(secure);
            SslContextFactory.Server ssl = new SslContextFactory.Server();
            ssl.setSslContext(tls);
            factories = new ConnectionFactory[] {new SslConnectionFactory(ssl, "http/1.1"), new HttpConnectionFactory(http)};
        } else {
            factories = new ConnectionFactory[] {new HttpConnectionFactory(http)};
        }
        ServerConnector connector = new ServerConnector(server, 1, 1, factories);
        connector.setHost(bind);
        connector.setPort(port);
        connector.setIdleTimeout(IDLE_TIMEOUT.toMillis());
        connector.setAcceptQueueSize(128);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(MAX_CONNECTIONS, connector));
        try {
            connector.open();
        } catch (IOException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            String hint = cause instanceof java.net.BindException
                    ? " (another process listens there; choose another port, or 0 for none)" : "";
            throw new ConfigException(Setting.HTTP_PORT.key() + "=" + port + " cannot be used: " + cause.getMessage()
                    + hint, e);
        }
        StatusServer s = new StatusServer(server, connector, registry, status, access);
        s.route("/metrics", s::metrics);
        s.routes.put("/health", new Entry(s::health, null, false));
        s.routes.put("/ready", new Entry(s::ready, null, false));
        s.route("/", s::notFound);
        server.setHandler(s.new Dispatch());
        return s;
    }

    /** Routes each request to the longest routed path it starts with. */
    private final class Dispatch extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = request.getHttpURI().getDecodedPath();
            Entry entry = null;
            int longest = -1;
            for (Map.Entry<String, Entry> e : routes.entrySet()) {
                if (path != null && path.startsWith(e.getKey()) && e.getKey().length() > longest) {
                    entry = e.getValue();
                    longest = e.getKey().length();
                }
            }
            if (entry == null) {
                return false;
            }
            if (entry.direct() != null) {
                return entry.direct().handle(request, response, callback);
            }
            Exchange ex = new Exchange(request, response, callback);
            try {
                if (!entry.guarded() || access == null || access.admit(ex)) {
                    entry.route().handle(ex);
                }
            } catch (IOException | RuntimeException e) {
                if (!ex.sent()) {
                    sendJson(ex, 500, JSON.createObjectNode().put("error", "internal error: " + e));
                    return true;
                }
                throw e;
            }
            if (!ex.sent()) {
                sendJson(ex, 500, JSON.createObjectNode().put("error", "internal error: no answer"));
            }
            return true;
        }
    }

    /** Serves a path (and below it) behind the access guard; replaces what served it before ("/", say). */
    public void route(String path, Route handler) {
        routes.put(path, new Entry(handler, null, true));
    }

    /**
     * Serves a path (and below it) with a handler of Jetty's own API, outside the access guard
     * (it checks its own credentials): for a request with a body, answered when the pipeline is done.
     */
    public void routeDirect(String path, DirectRoute handler) {
        routes.put(path, new Entry(null, handler, false));
    }

    /** Whether a path was {@link #route routed} here (the dashboard shows alerts once /alerts is served). */
    public boolean routes(String path) {
        return routes.containsKey(path);
    }

    /** Serves GET path with the JSON the supplier gives at each request (e.g. /alerts); behind the access guard, like any route. */
    public StatusServer addJson(String path, java.util.function.Supplier<ObjectNode> body) {
        route(path, ex -> {
            if (!refused(ex, path)) {
                sendJson(ex, 200, body.get());
            }
        });
        return this;
    }

    /** The pool the handlers run on (an answer that comes later is written from there). */
    public java.util.concurrent.Executor executor() {
        return server.getThreadPool();
    }

    @Override
    public String name() {
        return "http";
    }

    @Override
    public void start() {
        try {
            server.start();
        } catch (Exception e) {
            throw new IllegalStateException("the HTTP server did not start: " + e.getMessage(), e);
        }
    }

    public int port() {
        return connector.getLocalPort();
    }

    private void metrics(Exchange ex) throws IOException {
        if (refused(ex, "/metrics")) {
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        writer.write(body, registry.scrape(), EscapingScheme.UNDERSCORE_ESCAPING);
        send(ex, 200, writer.getContentType(), body.toByteArray());
    }

    private void health(Exchange ex) {
        if (refused(ex, "/health")) {
            return;
        }
        boolean alive = status.isAlive();
        ObjectNode body = JSON.createObjectNode()
                .put("status", alive ? "up" : "down")
                .put("uptime_seconds", Duration.between(started, Instant.now()).toSeconds());
        sendJson(ex, alive ? 200 : 503, body);
    }

    private void ready(Exchange ex) {
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

    private void notFound(Exchange ex) {
        if (refused(ex, "/")) {
            return;
        }
        sendJson(ex, 404, JSON.createObjectNode().put("error", "no such path: " + ex.path()
                + " (try /metrics, /health or /ready)"));
    }

    /** Only GET and HEAD of the exact path; anything else is answered here. */
    private static boolean refused(Exchange ex, String path) {
        String method = ex.method();
        if (!"/".equals(path) && !ex.path().equals(path)) {
            sendJson(ex, 404, JSON.createObjectNode().put("error", "no such path: " + ex.path()));
            return true;
        }
        if (!method.equals("GET") && !method.equals("HEAD")) {
            ex.setHeader("Allow", "GET, HEAD");
            sendJson(ex, 405, JSON.createObjectNode().put("error", method + " is not allowed; use GET"));
            return true;
        }
        return false;
    }

    private static void sendJson(Exchange ex, int code, ObjectNode body) {
        send(ex, code, "application/json", (body.toString() + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /** Answers with a body (none for HEAD); the dashboard answers the same way. */
    public static void send(Exchange ex, int code, String contentType, byte[] body) {
        ex.send(code, contentType, body);
    }

    @Override
    public void stop(Duration timeout) {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping: the threads are daemons, the socket closes with the process at worst
        }
    }
}
