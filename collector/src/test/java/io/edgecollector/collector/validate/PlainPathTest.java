package io.edgecollector.collector.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.PlainObject;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.ReadingMapper;
import io.edgecollector.collector.parse.TopicTemplate;
import io.edgecollector.collector.rawlog.RawLineCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plain path (a flat payload read by the streaming parser, {@link PlainObject}) against the
 * tree path over many generated payloads, valid and not: wherever the plain path answers, it
 * answers exactly what the tree path does; where it does not, the tree path decides.
 */
class PlainPathTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:05.123456Z");
    static final PayloadDecoder DECODER = new PayloadDecoder(262_144);
    static MessageProcessor processor;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        Path registry = dir.resolve("sensors.json");
        Files.writeString(registry, """
                {"sensors":[{"id":"s1","type":"temperature","unit":"C","range":{"min":0,"max":45}},
                 {"id":"17","type":"humidity","unit":"%","range":{"min":0,"max":100}}]}""");
        var validator = Validators.create();
        processor = new MessageProcessor(new ReadingMapper(TopicTemplate.of("sensors/{sensor_id}/{metric}"), "value"),
                validator, SensorRegistry.load(registry, validator),
                new QualityRules(List.of(-200.0), Duration.ofMinutes(5), Duration.ofDays(400)));
    }

    static MappedMessage tree(String topic, byte[] payload) {
        PayloadDecoder.Decoded d = DECODER.decode(payload);
        return processor.process(new RawMessage(NOW, topic, 1, false, d.json(), d.error()));
    }

    static MappedMessage plain(String topic, byte[] payload) {
        PlainObject object = DECODER.plain(payload);
        return object == null ? null : processor.processPlain(object, topic, NOW);
    }

    @Test
    void thePlainPath_answersAsTheTreePath_whereverItAnswers() {
        Random random = new Random(18);
        int answered = 0;
        int rejectedByTree = 0;
        int total = 60_000;
        for (int i = 0; i < total; i++) {
            String topic = TOPICS[random.nextInt(TOPICS.length)];
            byte[] payload = payload(random).getBytes(StandardCharsets.UTF_8);
            MappedMessage tree = tree(topic, payload);
            MappedMessage plain = plain(topic, payload);
            if (!tree.rejections().isEmpty()) {
                rejectedByTree++;
            }
            if (plain != null) {
                answered++;
                assertEquals(tree, plain, () -> "payload " + new String(payload, StandardCharsets.UTF_8) + " on " + topic);
            }
        }
        // the generator makes both kinds in numbers, and the plain path takes a good share
        assertTrue(answered > total / 5, "plain path answered " + answered);
        assertTrue(rejectedByTree > total / 5, "tree path rejected " + rejectedByTree);
    }

    @Test
    void aRawLineReadBack_onThePlainPath_answersAsTheTreePath() throws Exception {
        Random random = new Random(1818);
        int answered = 0;
        int total = 30_000;
        for (int i = 0; i < total; i++) {
            String topic = TOPICS[random.nextInt(TOPICS.length)];
            byte[] payload = payload(random).getBytes(StandardCharsets.UTF_8);
            PayloadDecoder.Decoded decoded = DECODER.decode(payload);
            MappedMessage atIntake = tree(topic, payload);
            byte[] line = RawLineCodec.encode(NOW, topic, 1, random.nextInt(5) == 0, payload, decoded.json() != null,
                    atIntake.rejections().isEmpty() ? null : String.join("; ", atIntake.rejections())).bytes();
            int length = line.length - 1; // without its newline, as the loader's chunks give it
            RawMessage back = RawLineCodec.decode(line, 0, length);
            MappedMessage tree = processor.process(back);
            RawLineCodec.PlainLine plainLine = RawLineCodec.decodePlain(line, 0, length);
            if (plainLine == null) {
                continue;
            }
            assertEquals(List.of(back.receivedAt(), back.topic(), back.qos(), back.dup()),
                    List.of(plainLine.receivedAt(), plainLine.topic(), plainLine.qos(), plainLine.dup()));
            MappedMessage plain = processor.processPlain(plainLine.payload(), plainLine.topic(), plainLine.receivedAt());
            if (plain != null) {
                answered++;
                assertEquals(tree, plain, () -> "line " + new String(line, StandardCharsets.UTF_8));
            }
        }
        assertTrue(answered > total / 5, "plain path answered " + answered);
    }

    @Test
    void aRawLineWithAnError_orAnotherPayload_isLeftToTheTreePath() {
        for (String line : List.of(
                "{\"received_at\":\"2026-11-22T10:00:05Z\",\"topic\":\"t\",\"qos\":1,\"payload\":{\"value\":1},\"error\":\"x\"}",
                "{\"received_at\":\"2026-11-22T10:00:05Z\",\"topic\":\"t\",\"qos\":1,\"payload_text\":\"hi\"}",
                "{\"received_at\":\"2026-11-22T10:00:05Z\",\"topic\":\"t\",\"qos\":1,\"payload\":[1]}",
                "{\"received_at\":\"yesterday\",\"topic\":\"t\",\"qos\":1,\"payload\":{\"value\":1}}",
                "{\"received_at\":\"2026-11-22T10:00:05Z\",\"topic\":\"t\",\"topic\":\"u\",\"payload\":{\"value\":1}}",
                "{\"received_at\":\"2026-11-22T10:00:05Z\",\"topic\":\"t\",\"qos\":1,\"payload\":{\"value\":1}",
                "{\"topic\":\"t\",\"qos\":1,\"payload\":{\"value\":1}}")) {
            byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
            assertNull(RawLineCodec.decodePlain(bytes, 0, bytes.length), line);
        }
    }

    @Test
    void theSimulatorsShape_takesThePlainPath() {
        String payload = "{\"sensor_id\":\"s1\",\"type\":\"temperature\",\"value\":23.4,\"unit\":\"C\","
                + "\"location\":{\"lat\":10.5,\"lng\":-3},\"timestamp\":1795341600123}";
        MappedMessage plain = plain("sensors/s1/temperature", payload.getBytes(StandardCharsets.UTF_8));
        assertNotNull(plain);
        assertEquals(tree("sensors/s1/temperature", payload.getBytes(StandardCharsets.UTF_8)), plain);
        assertEquals(1, plain.readings().size());
    }

    @Test
    void aDuplicateKey_trailingData_orAnArray_areLeftToTheTreePath() {
        for (String payload : List.of("{\"sensor_id\":\"s1\",\"value\":1,\"value\":2,\"ts\":1795341600}",
                "{\"sensor_id\":\"s1\",\"value\":1,\"ts\":1795341600} {}",
                "{\"sensor_id\":\"s1\",\"value\":1,\"ts\":1795341600} x",
                "[{\"sensor_id\":\"s1\",\"value\":1,\"ts\":1795341600}]",
                "{\"sensor_id\":\"s1\",\"value\":1,\"ts\":1795341600,\"location\":{\"lat\":1,\"lat\":2}}",
                "{\"sensor_id\":\"s1\",\"value\":1,\"ts\":1795341600,\"extra\":{\"a\":1}}",
                "{\"sensor_id\":\"s1\",\"value\":99999999999999999999999,\"ts\":1795341600}",
                "{\"sensor_id\":\"s1\",\"value\":1,\"ts\":1795341600")) {
            byte[] bytes = payload.getBytes(StandardCharsets.UTF_8);
            assertNull(plain("sensors/s1/temperature", bytes), payload);
        }
    }

    static final String[] TOPICS = {"sensors/s1/temperature", "sensors/17/humidity", "plant/line1", "sensors/s2"};

    static String payload(Random r) {
        List<String> fields = new ArrayList<>();
        maybe(r, 0.8, fields, "sensor_id", ID_VALUES);
        maybe(r, 0.1, fields, "device_id", ID_VALUES);
        maybe(r, 0.05, fields, "sensor", ID_VALUES);
        maybe(r, 0.05, fields, "id", ID_VALUES);
        maybe(r, 0.5, fields, "ts", TS_VALUES);
        maybe(r, 0.4, fields, "timestamp", TS_VALUES);
        maybe(r, 0.05, fields, "time", TS_VALUES);
        maybe(r, 0.5, fields, "type", TEXT_VALUES);
        maybe(r, 0.1, fields, "metric", TEXT_VALUES);
        maybe(r, 0.7, fields, "value", VALUES);
        maybe(r, 0.5, fields, "unit", TEXT_VALUES);
        maybe(r, 0.3, fields, "location", LOCATIONS);
        maybe(r, 0.1, fields, "lat", COORDINATES);
        maybe(r, 0.1, fields, "lon", COORDINATES);
        maybe(r, 0.05, fields, "longitude", COORDINATES);
        maybe(r, 0.3, fields, "temperature", VALUES);
        maybe(r, 0.3, fields, "humidity", VALUES);
        maybe(r, 0.1, fields, "status", TEXT_VALUES);
        maybe(r, 0.05, fields, "sensor_id", ID_VALUES); // a duplicate now and then
        java.util.Collections.shuffle(fields, r);
        String body = "{" + String.join(r.nextInt(10) == 0 ? " , " : ",", fields) + "}";
        return switch (r.nextInt(40)) {
            case 0 -> " " + body + "\n";
            case 1 -> body + " 1";
            case 2 -> "[" + body + "]";
            case 3 -> body.substring(0, body.length() - 1);
            default -> body;
        };
    }

    static final String[] ID_VALUES = {"\"s1\"", "\"s2\"", "17", "17.5", "null", "true", "\"\"", "\" \"", "{\"a\":1}",
            "[1]", "\"s\\u0001x\"", "\"caf\u00e9\"", "12345678901", "-3"};
    static final String[] TS_VALUES = {"1795341600", "1795341600123", "1795341600123456", "1795341600123456789",
            "1795341600.5", "\"2026-11-22T10:00:00Z\"", "\"2026-11-22T10:00:00.25+02:00\"", "\"2026-11-22 10:00:00Z\"",
            "\"2026-11-22T10:00:00\"", "\"yesterday\"", "\"1795341600\"", "\"1795341600.25\"", "null", "false",
            "{\"s\":1}", "-5", "1e30", "99999999999999999999", "\"2026-02-30T10:00:00Z\"", "\"2026-11-22T09:58:00Z\""};
    static final String[] TEXT_VALUES = {"\"temperature\"", "\"humidity\"", "\"C\"", "\"\u00b0C\"", "\"%\"", "null", "5",
            "2.5", "true", "\"\"", "\"a-very-long-unit-name-that-is-longer-than-thirty-two\"", "[\"x\"]"};
    static final String[] VALUES = {"23.4", "0", "-200", "1e400", "-1e400", "12", "null", "\"NaN\"", "\"\"", "\" 7.5 \"",
            "\"abc\"", "true", "[1,2]", "{\"v\":1}", "99", "4.9E-324", "-0.0", "123456789012345678"};
    static final String[] LOCATIONS = {"{\"lat\":10.5,\"lng\":-3}", "{\"latitude\":1,\"longitude\":2}", "{\"lat\":null}",
            "{\"lat\":\"north\"}", "{\"lat\":95,\"lon\":10}", "\"here\"", "null", "{}", "{\"lat\":1,\"x\":{\"y\":1}}"};
    static final String[] COORDINATES = {"1.5", "-100", "null", "\"1\"", "200", "false"};

    static void maybe(Random r, double p, List<String> fields, String name, String[] values) {
        if (r.nextDouble() < p) {
            // mostly one of the first three (well-formed) values, so that many payloads are valid
            String value = r.nextInt(10) < 8 ? values[r.nextInt(3)] : values[r.nextInt(values.length)];
            fields.add("\"" + name + "\":" + value);
        }
    }
}
