package io.edgecollector.collector.it.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.Ports;
import io.edgecollector.collector.testing.RawLines;
import io.edgecollector.collector.testing.Setup;
import io.edgecollector.collector.testing.SmallDisk;
import io.edgecollector.collector.testing.TestDatabase;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * POST /ingest against a real `collector run` with PostgreSQL and Mosquitto: answered only once
 * the raw lines are on disk, loaded exactly once, rejections kept like MQTT's, the refusals
 * (401, 405, 413, 503), TLS from PEM files, and slow or idle clients that starve nothing.
 */
class HttpIngestIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String TOKEN = "s3cret-ingest-token";

    record Reply(int status, String body, HttpResponse<String> raw) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    static Reply post(HttpClient client, String url, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    static Reply get(String url) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    static double sample(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertTrue(m.find(), series + " missing from /metrics:\n" + metrics);
        return Double.parseDouble(m.group(1));
    }

    static Map<String, String> flags(Path dir, String prefix, int port) throws Exception {
        Map<String, String> f = Setup.flags(Setup.SHARED_BROKER, prefix, dir.resolve("raw"), Setup.registry(dir, 3));
        f.put("--http-port", Integer.toString(port));
        f.put("--http-bind", "127.0.0.1");
        f.put("--http-ingest", "true");
        return f;
    }

    static String reading(String sensor, long ts, double value) {
        return "{\"sensor_id\":\"" + sensor + "\",\"metric\":\"temperature\",\"ts\":" + ts + ",\"value\":" + value + "}";
    }

    static String rawText(Path raw) throws Exception {
        StringBuilder out = new StringBuilder();
        try (var files = Files.list(raw)) {
            for (Path p : files.filter(p -> p.getFileName().toString().endsWith(".jsonl")).toList()) {
                out.append(Files.readString(p));
            }
        }
        return out.toString();
    }

    @Test
    void answeredAfterFsync_loadedExactlyOnce_rejectionsKept_andTheRefusals(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        int port = Ports.free();
        String url = "http://127.0.0.1:" + port + "/ingest";
        String auth = "Bearer " + TOKEN;
        Path raw = dir.resolve("raw");
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            Map<String, String> f = flags(dir, prefix, port);
            f.put("--db-url", db.url());
            f.put("--max-payload-bytes", "4096");
            try (CollectorProcess collector = CollectorProcess.start(dir.resolve("collector.log"),
                    Map.of("COLLECTOR_HTTP_INGEST_TOKEN", TOKEN), Setup.args("run", f)).awaitSubscribed(1)) {
                assertFalse(collector.output().contains(TOKEN), "the token is never printed");

                // 401: no token, a wrong one, another scheme; nothing stored
                assertEquals(401, post(HTTP, url, reading("s1", 1_732_270_000L, 1)).status());
                assertEquals(401, post(HTTP, url, reading("s1", 1_732_270_000L, 1), "Authorization", "Bearer wrong").status());
                assertEquals(401, post(HTTP, url, reading("s1", 1_732_270_000L, 1), "Authorization", TOKEN).status());

                // 202: one reading, its raw line on disk when the answer comes
                long ts = 1_732_270_000L;
                int accepted = 0;
                for (int i = 0; i < 40; i++) {
                    Reply r = post(HTTP, url + "/site-a/gw-1", reading("http-s" + (i % 4), ts + i, 20 + i), "Authorization", auth);
                    assertEquals(202, r.status(), r.body());
                    assertEquals(1, r.json().get("accepted").asInt());
                    assertEquals(0, r.json().get("rejected").asInt());
                    assertTrue(rawText(raw).contains("\"ts\":" + (ts + i) + ",\"value\":" + (20.0 + i) + "}"),
                            "fsynced before the answer: " + i);
                    accepted++;
                }
                // an array: 2 readings and 1 rejection in one message, one raw line
                Reply mixed = post(HTTP, url, "[" + reading("arr", ts, 1) + "," + reading("arr", ts + 1, 2)
                        + ",{\"sensor_id\":\"arr\",\"metric\":\"temperature\",\"ts\":" + ts + ",\"value\":\"warm\"}]",
                        "Authorization", auth);
                assertEquals(202, mixed.status(), mixed.body());
                assertEquals(2, mixed.json().get("accepted").asInt());
                assertEquals(1, mixed.json().get("rejected").asInt());
                assertTrue(mixed.json().get("errors").get(0).asText().contains("value"), mixed.body());
                accepted += 2;
                // NDJSON: one message per line
                Reply lines = post(HTTP, url, reading("nd", ts, 1) + "\n" + reading("nd", ts + 1, 2) + "\n\n{\"sensor_id\":\"nd\"}\n",
                        "Authorization", auth, "Content-Type", "application/x-ndjson");
                assertEquals(202, lines.status(), lines.body());
                assertEquals(2, lines.json().get("accepted").asInt());
                assertEquals(1, lines.json().get("rejected").asInt());
                assertTrue(lines.json().get("errors").get(0).asText().startsWith("line 3: no timestamp"), lines.body());
                accepted += 2;
                // the same reading again: answered 202, stored once (its key absorbs it)
                assertEquals(202, post(HTTP, url + "/site-a/gw-1", reading("http-s0", ts, 20), "Authorization", auth).status());

                // 400: nothing could become a reading; kept in the raw file and in rejected_messages
                Reply bad = post(HTTP, url + "/broken", "this is not json", "Authorization", auth);
                assertEquals(400, bad.status(), bad.body());
                assertEquals(0, bad.json().get("accepted").asInt());
                assertTrue(bad.json().get("error").asText().contains("not JSON"), bad.body());
                assertTrue(rawText(raw).contains("\"topic\":\"http/broken\",\"qos\":1,\"payload_text\":\"this is not json\""));

                // 405, 413 (body above max_payload_bytes), a bad path: nothing stored
                Reply put = call("PUT", url, auth);
                assertEquals(405, put.status());
                assertEquals("POST", put.raw().headers().firstValue("Allow").orElse(""));
                Reply big = post(HTTP, url, "[" + (reading("big", ts, 1) + ",").repeat(80) + reading("big", ts, 1) + "]",
                        "Authorization", auth);
                assertEquals(413, big.status(), big.body());
                assertTrue(big.json().get("error").asText().contains("max_payload_bytes"), big.body());
                byte[] chunkedBody = ("[" + (reading("big", ts, 1) + ",").repeat(80) + reading("big", ts, 1) + "]")
                        .getBytes(StandardCharsets.UTF_8);
                HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                        .header("Authorization", auth)
                        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(chunkedBody)))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(413, chunked.statusCode(), "a chunked body (no Content-Length) is cut at the limit too: "
                        + chunked.body());
                assertEquals(400, post(HTTP, url + "/a+b", reading("x", ts, 1), "Authorization", auth).status());

                long expectedRows = accepted;
                Await.until("every accepted reading in PostgreSQL", Duration.ofSeconds(30),
                        () -> db.countOrMinusOne("SELECT count(*) FROM measurements WHERE topic LIKE 'http%'"), expectedRows);
                Await.until("the rejections in rejected_messages", Duration.ofSeconds(30),
                        () -> db.countOrMinusOne("SELECT count(*) FROM rejected_messages WHERE topic LIKE 'http%'"), 3L);
                assertEquals(40, db.count("SELECT count(*) FROM measurements WHERE topic = 'http/site-a/gw-1'"));
                assertEquals(1, db.count("SELECT count(*) FROM rejected_messages WHERE topic = 'http/broken'"
                        + " AND reason LIKE 'not JSON%'"));
                assertEquals(46, RawLines.count(raw), "one raw line per message taken; none for a refused request");
                Thread.sleep(1500); // a second pass of the loader would double nothing
                assertEquals(expectedRows, db.count("SELECT count(*) FROM measurements WHERE topic LIKE 'http%'"));
                assertEquals(46, db.count("SELECT coalesce(max(lines), 0) FROM load_checkpoint"), "each line loaded once");

                String m = get("http://127.0.0.1:" + port + "/metrics").body();
                assertEquals(43, sample(m, "edge_collector_http_ingest_requests_total{status=\"202\"}"));
                assertEquals(3, sample(m, "edge_collector_http_ingest_requests_total{status=\"401\"}"));
                assertEquals(2, sample(m, "edge_collector_http_ingest_requests_total{status=\"400\"}"));
                assertEquals(2, sample(m, "edge_collector_http_ingest_requests_total{status=\"413\"}"));
                assertEquals(accepted + 1, sample(m, "edge_collector_http_ingest_readings_total{result=\"accepted\"}"));
                assertEquals(3, sample(m, "edge_collector_http_ingest_readings_total{result=\"rejected\"}"));
                assertEquals(0, collector.terminate(Duration.ofSeconds(20)), collector.output());
            }
        }
    }

    static Reply call(String method, String url, String auth) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
                .header("Authorization", auth).method(method, HttpRequest.BodyPublishers.ofString("1")).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Reply(r.statusCode(), r.body(), r);
    }

    @Test
    void hundredIdleOrHalfSentConnections_starveNeitherHealthNorIngest(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        int port = Ports.free();
        try (CollectorProcess collector = CollectorProcess.start(dir.resolve("collector.log"),
                Setup.args("run", flags(dir, prefix, port))).awaitSubscribed(1)) {
            List<Socket> held = new ArrayList<>();
            try {
                for (int i = 0; i < 100; i++) {
                    Socket s = new Socket("127.0.0.1", port);
                    if (i % 2 == 0) { // half a request line, then silence
                        s.getOutputStream().write("GET /hea".getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                    } else if (i % 3 == 0) { // headers of a POST whose body never comes
                        s.getOutputStream().write(("POST /ingest HTTP/1.1\r\nHost: x\r\nContent-Length: 500\r\n\r\n{")
                                .getBytes(StandardCharsets.US_ASCII));
                        s.getOutputStream().flush();
                    }
                    held.add(s);
                }
                for (int round = 0; round < 5; round++) {
                    long start = System.nanoTime();
                    Reply health = get("http://127.0.0.1:" + port + "/health");
                    long healthNanos = System.nanoTime() - start;
                    assertEquals(200, health.status());
                    start = System.nanoTime();
                    Reply r = post(HTTP, "http://127.0.0.1:" + port + "/ingest", reading("idle", 1_732_270_000L + round, round));
                    long postNanos = System.nanoTime() - start;
                    assertEquals(202, r.status(), r.body());
                    assertTrue(healthNanos < TimeUnit.SECONDS.toNanos(2), "/health took " + healthNanos / 1_000_000 + " ms");
                    assertTrue(postNanos < TimeUnit.SECONDS.toNanos(2), "POST took " + postNanos / 1_000_000 + " ms");
                }
                for (Socket s : held) {
                    assertFalse(s.isClosed());
                }
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            assertEquals(0, collector.terminate(Duration.ofSeconds(20)), collector.output());
        }
    }

    @Test
    void tls_fromPemFiles_andAnUnusableCertificateStopsTheStart(@TempDir Path dir) throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
                "-keyout", key.toString(), "-out", cert.toString()).redirectErrorStream(true).start();
        String out = new String(openssl.getInputStream().readAllBytes());
        assertEquals(0, openssl.waitFor(), out);

        String prefix = Setup.prefix();
        int port = Ports.free();
        Map<String, String> f = flags(dir, prefix, port);
        f.put("--http-tls-cert", cert.toString());
        f.put("--http-tls-key", key.toString());
        try (CollectorProcess collector = CollectorProcess.start(dir.resolve("collector.log"), Setup.args("run", f))
                .awaitSubscribed(1)) {
            HttpClient tls = HttpClient.newBuilder().sslContext(trusting(cert)).connectTimeout(Duration.ofSeconds(5)).build();
            Reply r = post(tls, "https://127.0.0.1:" + port + "/ingest/tls", reading("tls", 1_732_270_000L, 7));
            assertEquals(202, r.status(), r.body());
            assertEquals(1, r.json().get("accepted").asInt());
            HttpResponse<String> health = tls.send(HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
            // plain HTTP on the TLS port gets no answer of ours
            try {
                Reply plain = post(HTTP, "http://127.0.0.1:" + port + "/ingest", reading("tls", 1_732_270_001L, 7));
                assertTrue(plain.status() != 202, "plain HTTP is not served: " + plain.status());
            } catch (java.io.IOException expected) {
                // the TLS side closed the connection
            }
            assertTrue(rawText(dir.resolve("raw")).contains("\"topic\":\"http/tls\""));
            assertEquals(0, collector.terminate(Duration.ofSeconds(20)), collector.output());
        }

        Path garbage = dir.resolve("garbage.pem");
        Files.writeString(garbage, "-----BEGIN CERTIFICATE-----\nnot a certificate\n-----END CERTIFICATE-----\n");
        f.put("--http-tls-cert", garbage.toString());
        try (CollectorProcess bad = CollectorProcess.start(dir.resolve("bad.log"), Setup.args("run", f))) {
            assertEquals(2, bad.awaitExit(Duration.ofSeconds(30)), bad.output());
            assertTrue(bad.output().contains("http.tls_cert=" + garbage), bad.output());
        }
        f.put("--http-tls-cert", dir.resolve("missing.pem").toString());
        try (CollectorProcess missing = CollectorProcess.start(dir.resolve("missing.log"), Setup.args("run", f))) {
            assertEquals(2, missing.awaitExit(Duration.ofSeconds(30)), missing.output());
            assertTrue(missing.output().contains("http.tls_cert='" + dir.resolve("missing.pem") + "' is not a readable file"),
                    missing.output());
        }
    }

    static SSLContext trusting(Path cert) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            store.setCertificateEntry("collector", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void rawDiskRefusingWrites_is503WithNothingStored_thenAcceptedOnceThereIsRoom(@TempDir Path dir) throws Exception {
        String prefix = Setup.prefix();
        int port = Ports.free();
        Path raw = dir.resolve("raw");
        String url = "http://127.0.0.1:" + port + "/ingest/disk";
        try (SmallDisk disk = SmallDisk.mount(raw, "1m");
             CollectorProcess collector = CollectorProcess.start(dir.resolve("collector.log"),
                     Setup.args("run", flags(dir, prefix, port))).awaitSubscribed(1)) {
            assertEquals(202, post(HTTP, url, reading("disk", 1_732_270_000L, 1)).status());
            Path filler = raw.resolve("filler.bin");
            try (OutputStream o = Files.newOutputStream(filler)) {
                byte[] chunk = new byte[4096];
                while (true) {
                    o.write(chunk);
                }
            } catch (java.io.IOException full) {
                // the disk is full now
            }
            // more than a page, so no room left in the raw file's last page can take it
            StringBuilder body = new StringBuilder("[");
            for (int i = 0; i < 150; i++) {
                body.append(i == 0 ? "" : ",").append(reading("disk", 1_732_280_000L + i, i));
            }
            String array = body.append(']').toString();
            long linesBefore = RawLines.count(raw);
            Reply refused = post(HTTP, url, array);
            assertEquals(503, refused.status(), refused.body());
            assertTrue(refused.json().get("error").asText().contains("nothing was accepted"), refused.body());
            assertEquals(linesBefore, RawLines.count(raw), "nothing of a refused request is in the raw file");

            Files.delete(filler);
            Reply accepted = post(HTTP, url, array);
            assertEquals(202, accepted.status(), accepted.body());
            assertEquals(150, accepted.json().get("accepted").asInt());
            assertEquals(linesBefore + 1, RawLines.count(raw));
            assertEquals(0, collector.terminate(Duration.ofSeconds(20)), collector.output());
        }
    }
}
