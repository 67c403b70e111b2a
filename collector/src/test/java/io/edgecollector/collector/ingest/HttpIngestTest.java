package io.edgecollector.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pure parts of POST /ingest: path to topic, NDJSON lines, the token check. */
class HttpIngestTest {
    private static final byte[] TOKEN = "t0ken".getBytes(StandardCharsets.UTF_8);

    @Test
    void path_becomesTheTopic() {
        assertEquals("http", HttpIngest.topic("/ingest"));
        assertEquals("http", HttpIngest.topic("/ingest/"));
        assertEquals("http/site-1/gw", HttpIngest.topic("/ingest/site-1/gw"));
        assertEquals("http/site-1/gw", HttpIngest.topic("/ingest/site-1/gw/"));
        assertNull(HttpIngest.topic("/ingested"), "another path");
        assertNull(HttpIngest.topic("/metrics"));
        assertEquals("", HttpIngest.topic("/ingest/a+b"), "no MQTT wildcards in a topic");
        assertEquals("", HttpIngest.topic("/ingest/a/#"));
        assertEquals("", HttpIngest.topic("/ingest/a//b"), "no empty levels");
        assertEquals("", HttpIngest.topic("/ingest/a\u0001b"));
        assertEquals("", HttpIngest.topic("/ingest/" + "x".repeat(300)));
    }

    @Test
    void ndjson_isAskedForByTheContentType() {
        assertTrue(HttpIngest.ndjson("application/x-ndjson"));
        assertTrue(HttpIngest.ndjson("application/x-ndjson; charset=utf-8"));
        assertTrue(HttpIngest.ndjson("Application/JSONL"));
        assertFalse(HttpIngest.ndjson("application/json"));
        assertFalse(HttpIngest.ndjson(null));
    }

    @Test
    void ndjsonBody_givesOneMessagePerNonBlankLine() {
        List<byte[]> lines = HttpIngest.splitLines("{\"a\":1}\r\n\n  \n{\"b\":2}\n[1,2]".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}", "[1,2]"),
                lines.stream().map(b -> new String(b, StandardCharsets.UTF_8)).toList());
        assertEquals(0, HttpIngest.splitLines("\n\r\n".getBytes(StandardCharsets.UTF_8)).size());
    }

    @Test
    void token_onlyTheExactBearerTokenPasses() {
        assertTrue(HttpIngest.authorized(TOKEN, "Bearer t0ken"));
        assertTrue(HttpIngest.authorized(TOKEN, "bearer t0ken"), "the scheme is case-insensitive");
        assertFalse(HttpIngest.authorized(TOKEN, null));
        assertFalse(HttpIngest.authorized(TOKEN, "t0ken"), "the scheme is required");
        assertFalse(HttpIngest.authorized(TOKEN, "Basic t0ken"));
        assertFalse(HttpIngest.authorized(TOKEN, "Bearer t0ke"));
        assertFalse(HttpIngest.authorized(TOKEN, "Bearer t0ken2"));
        assertFalse(HttpIngest.authorized(TOKEN, "Bearer "));
    }

    @Test
    void counting_readingsAreAccepted_eachRejectionCounts_andTheRawLineIsHttps() throws Exception {
        Ingestor ingestor = new Ingestor(new io.edgecollector.collector.parse.PayloadDecoder(262_144),
                new io.edgecollector.collector.validate.MessageProcessor(new io.edgecollector.collector.parse.ReadingMapper(
                        io.edgecollector.collector.parse.TopicTemplate.of("sensors/{sensor_id}/{metric}"), "value"),
                        io.edgecollector.collector.validate.Validators.create(),
                        io.edgecollector.collector.validate.SensorRegistry.empty(),
                        new io.edgecollector.collector.validate.QualityRules(List.of(), java.time.Duration.ofMinutes(5),
                                java.time.Duration.ofDays(36500))), p -> true,
                io.edgecollector.collector.metrics.Metrics.NOOP, java.time.Clock.systemUTC(), new RedeliveryDetector());
        io.edgecollector.collector.buffer.Pending.Request request = cause -> { };
        Ingestor.Prepared one = ingestor.prepare("http/site", bytes("{\"sensor_id\":\"s\",\"ts\":1732270000,\"value\":1}"),
                io.edgecollector.collector.buffer.Pending.Ack.NONE, request);
        assertEquals(1, one.accepted());
        assertEquals(0, one.rejections().size());
        assertTrue(new String(one.pending().line().bytes(), StandardCharsets.UTF_8)
                .contains("\"topic\":\"http/site\",\"qos\":1,\"payload\":{"), "an HTTP message's raw line");
        assertEquals(request, one.pending().request());

        Ingestor.Prepared mixed = ingestor.prepare("http", bytes("[{\"sensor_id\":\"s\",\"ts\":1732270000,\"value\":1},"
                + "{\"sensor_id\":\"s\",\"ts\":1732270001,\"value\":\"x\"},{\"sensor_id\":\"s\",\"value\":3}]"),
                io.edgecollector.collector.buffer.Pending.Ack.NONE, request);
        assertEquals(1, mixed.accepted());
        assertEquals(2, mixed.rejections().size(), mixed.rejections().toString());

        Ingestor.Prepared unreadable = ingestor.prepare("http", bytes("not json"),
                io.edgecollector.collector.buffer.Pending.Ack.NONE, request);
        assertEquals(0, unreadable.accepted());
        assertEquals(1, unreadable.rejections().size());
        assertTrue(unreadable.rejections().get(0).startsWith("not JSON"), unreadable.rejections().toString());
        assertTrue(new String(unreadable.pending().line().bytes(), StandardCharsets.UTF_8).contains("\"error\":\"not JSON"),
                "kept in the raw line with its reason, as MQTT's rejections are");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
