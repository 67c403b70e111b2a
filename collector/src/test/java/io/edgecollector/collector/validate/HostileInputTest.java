package io.edgecollector.collector.validate;

import io.edgecollector.collector.parse.Quality;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.buffer.Pending;
import io.edgecollector.collector.ingest.Ingestor;
import io.edgecollector.collector.ingest.RedeliveryDetector;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.RejectReason;
import io.edgecollector.collector.parse.ReadingMapper;
import io.edgecollector.collector.parse.TopicTemplate;
import io.edgecollector.collector.rawlog.RawLineCodec;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Payloads of every broken kind, through intake's own code ({@link Ingestor}). Each must become
 * readings with the right flag or a rejection with a specific reason, never an exception; and
 * its raw line, read back, must give exactly the same result, because the loader and the
 * compaction re-derive rows from those lines.
 */
class HostileInputTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    static final String TOPIC = "sensors/Sensor 1/temperature";
    static final MessageProcessor PROCESSOR = new MessageProcessor(
            new ReadingMapper(TopicTemplate.of("sensors/{sensor_id}/{metric}"), "value"), Validators.create(),
            SensorRegistry.empty(), new QualityRules(List.of(-200.0), Duration.ofMinutes(5), Duration.ofHours(1)));
    /** What intake handed to the writer, one message at a time. */
    static final List<Pending> HANDED_OVER = new ArrayList<>();
    /** Messages intake could only keep as "internal error" (an exception in decoding or validating): must stay 0. */
    static final AtomicInteger INTERNAL_ERRORS = new AtomicInteger();
    static final Ingestor INGESTOR = new Ingestor(new PayloadDecoder(262_144), PROCESSOR, p -> HANDED_OVER.add(p),
            new Metrics() {
                @Override
                public void messageRejected(RejectReason reason) {
                    if (reason == RejectReason.INTERNAL) {
                        INTERNAL_ERRORS.incrementAndGet();
                    }
                }
            }, Clock.fixed(NOW, ZoneOffset.UTC), new RedeliveryDetector());

    /**
     * Ingests as the daemon does (the MQTT callback calls {@link Ingestor#handle}), acknowledges as
     * the writer would, then reads the raw line back as the loader does; both must agree.
     */
    static MappedMessage ingest(String topic, byte[] payload) throws Exception {
        HANDED_OVER.clear();
        int internalBefore = INTERNAL_ERRORS.get();
        assertTrue(INGESTOR.handle(topic, payload, 1, Pending.Ack.NONE), "intake takes every message");
        assertEquals(internalBefore, INTERNAL_ERRORS.get(), "no exception inside intake");
        assertEquals(1, HANDED_OVER.size(), "one raw line per message");
        Pending pending = HANDED_OVER.get(0);
        pending.ack().ack();
        byte[] b = pending.line().bytes();
        assertEquals('\n', b[b.length - 1]);
        for (int i = 0; i < b.length - 1; i++) {
            assertFalse(b[i] == '\n' || b[i] == '\r', "a raw line must stay one line");
        }
        MappedMessage replayed = PROCESSOR.process(RawLineCodec.decode(b, 0, b.length - 1));
        // intake keeps what it made of lines up to 16 KiB for the loader; larger ones the loader reads back
        MappedMessage live = pending.processed() != null ? pending.processed().result() : replayed;
        assertTrue(pending.processed() != null || b.length > 16 * 1024, "what intake made of a small line rides along");
        assertEquals(live.readings(), replayed.readings(), "the raw line gives back the same readings");
        assertEquals(live.rejections().isEmpty(), replayed.rejections().isEmpty());
        assertEquals(String.join("; ", live.rejections()), String.join("; ", replayed.rejections()));
        assertTrue(!live.readings().isEmpty() || !live.rejections().isEmpty(), "nothing may vanish silently");
        return live;
    }

    static MappedMessage ingest(String payload) throws Exception {
        return ingest(TOPIC, payload.getBytes(StandardCharsets.UTF_8));
    }

    static String reading(String id, String value, String ts) {
        return "{\"sensor_id\":" + id + ",\"type\":\"temperature\",\"value\":" + value + ",\"ts\":" + ts + "}";
    }

    static String rejection(MappedMessage m) {
        assertEquals(List.of(), m.readings());
        assertEquals(1, m.rejections().size(), m.rejections().toString());
        return m.rejections().get(0);
    }

    static Quality quality(MappedMessage m) {
        assertEquals(List.of(), m.rejections());
        assertEquals(1, m.readings().size());
        return m.readings().get(0).quality();
    }

    @Test
    void brokenJson_isRejectedWithTheReason() throws Exception {
        assertEquals("payload is empty", rejection(ingest("")));
        assertTrue(rejection(ingest("{\"sensor_id\":\"S\",\"val")).startsWith("not JSON: Unexpected end-of-input"));
        assertTrue(rejection(ingest("[".repeat(200) + "]".repeat(200))).contains("nesting depth"));
        assertTrue(rejection(ingest(reading("\"S\"", "NaN", "1795341600"))).startsWith("not JSON: Non-standard token 'NaN'"));
        assertTrue(rejection(ingest("{\"value\":1,\"value\":2}")).contains("Duplicate field 'value'"));
        assertEquals("payload too large: 1048576 bytes (max_payload_bytes 262144)",
                rejection(ingest(TOPIC, new byte[1024 * 1024])));
        assertEquals("not JSON: payload is not UTF-8 text", rejection(ingest(TOPIC, new byte[] {'{', (byte) 0xC3, '}'})));
        assertEquals("payload is a boolean; expected an object, an array or a number", rejection(ingest("true")));
    }

    @Test
    void wrongTypes_nameTheField() throws Exception {
        assertEquals("value must be a number, got text 'warm'", rejection(ingest(reading("\"S\"", "\"warm\"", "1795341600"))));
        assertEquals("value must be a number, got an object", rejection(ingest(reading("\"S\"", "{}", "1795341600"))));
        assertEquals("sensor_id must be text, got an array", rejection(ingest(reading("[1]", "1", "1795341600"))));
        assertEquals("value must be a number, got text 'hello'", rejection(ingest("\"hello\"")));
        assertEquals("temperature: value must be a finite number", rejection(ingest(reading("\"S\"", "1e999", "1795341600"))));
        assertEquals("temperature: sensor_id contains control characters",
                rejection(ingest(reading("\"a\\u0001b\"", "1", "1795341600"))));
        assertEquals("temperature: unit contains control characters",
                rejection(ingest("{\"sensor_id\":\"S\",\"type\":\"temperature\",\"value\":1,\"unit\":\"C\\u0000\",\"ts\":1795341600}")));
    }

    @Test
    void timestamps_farAway_areRejected_nearAway_areFlagged() throws Exception {
        assertEquals("temperature: ts must lie between 1970-01-01 and 2099-12-31",
                rejection(ingest(reading("\"S\"", "1", "\"1900-01-01T00:00:00Z\""))));
        assertEquals("temperature: ts must lie between 1970-01-01 and 2099-12-31",
                rejection(ingest(reading("\"S\"", "1", "\"2999-01-01T00:00:00Z\""))));
        assertEquals(Quality.FUTURE_TIMESTAMP, quality(ingest(reading("\"S\"", "1", "\"2026-11-23T10:00:00Z\""))));
        assertEquals(Quality.STALE, quality(ingest(reading("\"S\"", "1", "100000000000"))), "1e11 reads as milliseconds: 1973");
        assertEquals(Quality.MISSING_VALUE, quality(ingest(reading("\"S\"", "-200", "1795341600"))));
        assertEquals(Quality.MISSING_VALUE, quality(ingest("null")), "a bare null on a templated topic");
    }

    @Test
    void oddButValidIds_areStoredAsSent() throws Exception {
        MappedMessage sql = ingest(reading("\"'; DROP TABLE measurements; --\"", "1", "1795341600"));
        assertEquals("'; DROP TABLE measurements; --", sql.readings().get(0).sensorId());
        MappedMessage unicode = ingest(reading("\"温度計-1 🌡\"", "23.5", "1795341600"));
        assertEquals("温度計-1 🌡", unicode.readings().get(0).sensorId());
        assertEquals(1.2345678901234568E29, ingest(reading("\"S\"", "123456789012345678901234567890", "1795341600"))
                .readings().get(0).value());
        assertEquals(12.5, ingest(reading("\"S\"", "\"12.5\"", "1795341600")).readings().get(0).value());
    }

    @Test
    void mixedArray_keepsTheGoodItems() throws Exception {
        MappedMessage m = ingest("[" + reading("\"S\"", "1", "1795341600") + ",{\"x\":1}," + reading("\"S\"", "\"?\"", "1795341601")
                + ",\"text\"," + reading("\"T\"", "2", "1795341602") + "]");
        assertEquals(List.of("S", "T"), m.readings().stream().map(Reading::sensorId).toList());
        assertEquals(3, m.rejections().size(), m.rejections().toString());
    }

    @Test
    void randomBytesAndMutatedJson_neverThrow_andRoundTripThroughTheRawLine() throws Exception {
        Random random = new Random(20261123);
        String seed = "[{\"sensor_id\":\"S 1\",\"type\":\"temperature\",\"value\":21.5,\"unit\":\"C\",\"ts\":\"2026-11-22T09:59:00Z\"},"
                + "{\"device_id\":\"d\",\"timestamp\":1795341500123,\"humidity\":40,\"lat\":1,\"lon\":2}]";
        String alphabet = "{}[]\":,0123456789.eE-+ntrufalsNaIy\\u\n\t é\u0000";
        for (int i = 0; i < 5_000; i++) {
            byte[] payload;
            if (i % 2 == 0) {
                payload = new byte[random.nextInt(64)];
                random.nextBytes(payload);
            } else {
                StringBuilder s = new StringBuilder(seed);
                for (int k = random.nextInt(6); k >= 0; k--) {
                    int at = random.nextInt(s.length());
                    switch (random.nextInt(3)) {
                        case 0 -> s.deleteCharAt(at);
                        case 1 -> s.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                        default -> s.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    }
                }
                payload = s.toString().getBytes(StandardCharsets.UTF_8);
            }
            ingest(random.nextBoolean() ? TOPIC : "other/topic", payload);
        }
    }
}
