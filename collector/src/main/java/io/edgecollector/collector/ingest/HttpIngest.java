package io.edgecollector.collector.ingest;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecollector.collector.buffer.BatchWriter;
import io.edgecollector.collector.buffer.Pending;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.ops.StatusServer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * POST /ingest and POST /ingest/&lt;path&gt; (topic http/&lt;path&gt;; plain /ingest: topic
 * {@value #DEFAULT_TOPIC}): readings by HTTP, through the same path as MQTT messages: the
 * {@link Ingestor} decodes, maps and checks each message and encodes its raw line, the
 * {@link BatchWriter} appends and fsyncs it, and only then is the request answered: 202 with
 * what was accepted, or 400 when nothing in the body could become a reading (the body is still
 * in the raw file and becomes a rejected_messages row, as for MQTT).
 *
 * <p>The body is one message in any accepted shape (one reading, a device object, an array),
 * or, sent as {@code application/x-ndjson}, one message per line. {@code accepted} counts the
 * readings the body gave, {@code rejected} the rejections (a message that cannot be read at all
 * is one; each refused element of an array is one).
 *
 * <p>Refusals before anything is stored: 401 (token), 405 (not POST), 413 (body above
 * max_payload_bytes, or more lines than the writer's queue holds), 429 with Retry-After (the
 * writer's queue stayed full for {@link #MAX_QUEUE_WAIT}), 503 (the raw disk refuses writes,
 * or the collector is stopping): nothing of such a request is stored.
 */
public final class HttpIngest implements StatusServer.DirectRoute {
    private static final Logger LOG = LoggerFactory.getLogger(HttpIngest.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The path, and the topic of a plain POST /ingest. */
    public static final String PATH = "/ingest";
    public static final String DEFAULT_TOPIC = "http";
    /** How long a request waits for room in the writer's queue before it is answered 429. */
    static final Duration MAX_QUEUE_WAIT = Duration.ofMillis(50);
    /** Errors listed in an answer at most (the counts are always whole). */
    static final int MAX_ERRORS = 20;
    private static final int MAX_TOPIC_CHARS = 256;

    private final Ingestor ingestor;
    private final BatchWriter writer;
    private final Metrics metrics;
    private final int maxBodyBytes;
    /** The bearer token required, or null: open. */
    private final byte[] token;
    private final Executor answers;

    /**
     * @param token   the bearer token required (http.ingest_token, else http.token); null or empty: open
     * @param answers where answers that come after the fsync are written (the HTTP server's pool)
     */
    public HttpIngest(Ingestor ingestor, BatchWriter writer, Metrics metrics, int maxBodyBytes, String token,
                      Executor answers) {
        this.ingestor = ingestor;
        this.writer = writer;
        this.metrics = metrics;
        this.maxBodyBytes = maxBodyBytes;
        this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
        this.answers = answers;
    }

    /** Whether requests must carry a token. */
    public boolean guarded() {
        return token != null;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        String path = request.getHttpURI().getDecodedPath();
        String topic = topic(path);
        if (topic == null) {
            return answer(response, callback, 404, error("no such path: " + path + " (POST /ingest or /ingest/<path>)"));
        }
        if (!"POST".equals(request.getMethod())) {
            response.getHeaders().put(HttpHeader.ALLOW, "POST");
            return answer(response, callback, 405, error(request.getMethod() + " is not allowed; use POST"));
        }
        if (token != null && !authorized(token, request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer realm=\"edge-collector\"");
            return answer(response, callback, 401, error("a valid 'Authorization: Bearer <token>' is required"));
        }
        if (topic.isEmpty()) {
            return answer(response, callback, 400, error("the path after /ingest/ must be 1 to " + MAX_TOPIC_CHARS
                    + " characters, without '+', '#', control characters or empty levels: " + path));
        }
        long length = request.getLength();
        if (length > maxBodyBytes) {
            return answer(response, callback, 413, error("the body has " + length + " bytes; at most "
                    + maxBodyBytes + " (max_payload_bytes)"));
        }
        boolean lines = ndjson(request.getHeaders().get(HttpHeader.CONTENT_TYPE));
        Content.Source.asByteArrayAsync(request, maxBodyBytes).whenComplete((body, failure) -> {
            if (failure != null) {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure;
                // the body ran past the limit (a chunked body, or one longer than its Content-Length said):
                // Jetty's accumulator fails with one of these, a lost or stalled client with an I/O or timeout error
                if (cause instanceof IllegalStateException || cause instanceof IllegalArgumentException) {
                    answer(response, callback, 413, error("the body has more than " + maxBodyBytes
                            + " bytes (max_payload_bytes)"));
                } else {
                    callback.failed(cause); // the client went away, or stalled past the idle timeout
                }
                return;
            }
            try {
                ingest(topic, body, lines, response, callback);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                answer(response, callback, 503, error("the collector is stopping; nothing was accepted"));
            } catch (RuntimeException e) {
                LOG.error("event=http_ingest_error cause=\"{}\"", e.toString(), e);
                answer(response, callback, 500, error("internal error: " + e));
            }
        });
        return true;
    }

    private void ingest(String topic, byte[] body, boolean lines, Response response, Callback callback)
            throws InterruptedException {
        List<byte[]> messages = lines ? splitLines(body) : List.of(body);
        if (messages.isEmpty() || (messages.size() == 1 && blank(messages.get(0)))) {
            answer(response, callback, 400, error("the body is empty: nothing to store"));
            return;
        }
        if (messages.size() > writer.maxOffer()) {
            answer(response, callback, 413, error("the body has " + messages.size() + " lines; at most "
                    + writer.maxOffer() + " per request (2 x batch_size)"));
            return;
        }
        String refusing = writer.refusing();
        if (refusing != null) {
            answer(response, callback, 503, error("the raw log refuses writes (" + refusing + "); nothing was accepted"));
            return;
        }
        Answer answer = new Answer(messages.size(), response, callback);
        List<Pending> pending = new ArrayList<>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            Ingestor.Prepared p = ingestor.prepare(topic, messages.get(i), () -> {
                answer.written();
                return true;
            }, answer);
            answer.add(lines ? i + 1 : 0, p);
            pending.add(p.pending());
        }
        switch (writer.offer(pending, MAX_QUEUE_WAIT)) {
            case TAKEN -> { } // answered once durable (or refused) by the writer
            case FULL -> {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "1");
                answer(response, callback, 429, error("the collector's write queue is full; retry after 1 s"));
            }
            case REFUSING -> answer(response, callback, 503, error("the raw log refuses writes (" + writer.refusing()
                    + "); nothing was accepted"));
            case CLOSED -> answer(response, callback, 503, error("the collector is stopping; nothing was accepted"));
        }
    }

    /** One request's lines on their way: answered when the last is durable, or when the write is refused. */
    private final class Answer implements Pending.Request {
        private final AtomicInteger waiting;
        private final AtomicBoolean answered = new AtomicBoolean();
        private final Response response;
        private final Callback callback;
        private int accepted;
        private int rejected;
        private final List<String> errors = new ArrayList<>();

        Answer(int lines, Response response, Callback callback) {
            this.waiting = new AtomicInteger(lines);
            this.response = response;
            this.callback = callback;
        }

        /** What one message became (line: its 1-based line in an NDJSON body, or 0). Before the offer only. */
        void add(int line, Ingestor.Prepared p) {
            accepted += p.accepted();
            rejected += p.rejections().size();
            for (String r : p.rejections()) {
                if (errors.size() < MAX_ERRORS) {
                    errors.add(line > 0 ? "line " + line + ": " + r : r);
                }
            }
        }

        /** One line is durable (the writer's thread). */
        void written() {
            if (waiting.decrementAndGet() == 0 && answered.compareAndSet(false, true)) {
                answers.execute(this::durable);
            }
        }

        private void durable() {
            ObjectNode out = JSON.createObjectNode().put("accepted", accepted).put("rejected", rejected);
            ArrayNode list = out.putArray("errors");
            errors.forEach(list::add);
            if (accepted == 0 && rejected > 0) {
                out.put("error", "nothing in the body could become a reading: " + errors.get(0)
                        + " (the body is kept in the raw file and in rejected_messages)");
                send(response, callback, 400, out, accepted, rejected);
            } else {
                send(response, callback, 202, out, accepted, rejected);
            }
        }

        @Override
        public void refused(String cause) {
            if (answered.compareAndSet(false, true)) {
                answers.execute(() -> answer(response, callback, 503,
                        error("the raw log refused the write (" + cause + "); nothing was accepted")));
            }
        }
    }

    /** The topic of a path: http/&lt;rest&gt;, "http" for /ingest, "" for a bad rest, null for another path. */
    static String topic(String path) {
        if (path == null || !path.startsWith(PATH)) {
            return null;
        }
        String rest = path.substring(PATH.length());
        if (rest.isEmpty() || rest.equals("/")) {
            return DEFAULT_TOPIC;
        }
        if (rest.charAt(0) != '/') {
            return null;
        }
        rest = rest.substring(1);
        if (rest.endsWith("/")) {
            rest = rest.substring(0, rest.length() - 1);
        }
        boolean bad = rest.length() > MAX_TOPIC_CHARS || rest.contains("//") || rest.startsWith("/")
                || rest.chars().anyMatch(c -> c == '+' || c == '#' || Character.isISOControl(c));
        return bad ? "" : DEFAULT_TOPIC + "/" + rest;
    }

    /** Whether the content type asks for one message per line. */
    static boolean ndjson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.split(";", 2)[0].trim().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/x-ndjson") || type.equals("application/ndjson")
                || type.equals("application/jsonl") || type.equals("application/x-jsonlines");
    }

    /** The non-blank lines of an NDJSON body (a trailing \r is dropped). */
    static List<byte[]> splitLines(byte[] body) {
        List<byte[]> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i <= body.length; i++) {
            if (i == body.length || body[i] == '\n') {
                int end = i > start && body[i - 1] == '\r' ? i - 1 : i;
                byte[] line = java.util.Arrays.copyOfRange(body, start, end);
                if (!blank(line)) {
                    out.add(line);
                }
                start = i + 1;
            }
        }
        return out;
    }

    private static boolean blank(byte[] b) {
        for (byte c : b) {
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') {
                return false;
            }
        }
        return true;
    }

    /** Whether the Authorization header carries the token: compared in constant time, never logged. */
    static boolean authorized(byte[] token, String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return false;
        }
        return MessageDigest.isEqual(token, authorization.substring(7).trim().getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode error(String message) {
        return JSON.createObjectNode().put("accepted", 0).put("error", message);
    }

    private boolean answer(Response response, Callback callback, int status, ObjectNode body) {
        send(response, callback, status, body, 0, 0);
        return true;
    }

    private void send(Response response, Callback callback, int status, ObjectNode body, int accepted, int rejected) {
        metrics.httpIngest(status, accepted, rejected);
        response.setStatus(status);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap((body.toString() + "\n").getBytes(StandardCharsets.UTF_8)), callback);
    }
}
