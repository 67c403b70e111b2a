package io.edgecollector.collector.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.Processed;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.RejectReason;
import io.edgecollector.collector.rawlog.RawChunk;
import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.parse.Quality;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The records are what docs/kafka/*.schema.json say: the same fields, required ones present, types right. */
class KafkaRecordsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant AT = Instant.parse("2026-12-02T10:00:00.123Z");
    private final KafkaRecords records = new KafkaRecords("edge.readings", "edge.rejections", "edge7");

    @Test
    void reading_hasTheSchemasFields_keySensorId_andHeaders() throws Exception {
        Reading r = new Reading("Sensor 1", "temperature", Instant.parse("2026-12-02T10:00:00Z"), 23.4, "C", 10.0, 10.0,
                "sensors/Sensor 1/temperature", AT, Quality.VALID);
        ProducerRecord<byte[], byte[]> rec = records.reading(r);
        JsonNode v = JSON.readTree(rec.value());
        assertEquals(fields("reading"), names(v));
        assertEquals("Sensor 1", new String(rec.key(), StandardCharsets.UTF_8));
        assertEquals("2026-12-02T10:00:00Z", v.get("ts").asText());
        assertEquals(23.4, v.get("value").asDouble());
        assertEquals("valid", v.get("quality").asText());
        assertEquals("edge7", v.get("instance_id").asText());
        assertEquals("sensors/Sensor 1/temperature", header(rec, "mqtt_topic"));
        assertEquals(AT.toString(), header(rec, "received_at"));
        JsonNode missing = JSON.readTree(records.reading(new Reading("s", "m", AT, null, null, null, null, "t", AT,
                Quality.MISSING_VALUE)).value());
        assertTrue(missing.get("value").isNull() && missing.get("unit").isNull(), missing.toString());
    }

    @Test
    void rejection_hasTheSchemasFields_keyTopic_reasonAndPayload() throws Exception {
        RawLine line = RawLineCodec.encode(AT, "sensors/x", 1, "{not json".getBytes(StandardCharsets.UTF_8), false, "payload is not JSON");
        byte[] b = line.bytes();
        RawChunk chunk = new RawChunk(b, List.of(new RawChunk.Line(4096, 0, b.length - 1)), 4096, 4096 + b.length);
        Processed p = new Processed(AT, "sensors/x", false,
                new MappedMessage(List.of(), List.of("payload is not JSON"), RejectReason.NOT_JSON));
        ProducerRecord<byte[], byte[]> rec = records.rejection(p, chunk, chunk.lines().get(0), "raw_20261202.jsonl");
        JsonNode v = JSON.readTree(rec.value());
        assertEquals(fields("rejection"), names(v));
        assertEquals("edge.rejections", rec.topic());
        assertEquals("sensors/x", new String(rec.key(), StandardCharsets.UTF_8));
        assertEquals("{not json", v.get("payload").asText());
        assertEquals("payload is not JSON", v.get("reason").asText());
        assertEquals(4096, v.get("raw_offset").asLong());
        assertEquals("sensors/x", header(rec, "mqtt_topic"));
    }

    private static Set<String> fields(String schema) throws Exception {
        JsonNode s = JSON.readTree(Path.of("../docs/kafka/" + schema + ".schema.json").toFile());
        Set<String> required = new TreeSet<>();
        s.get("required").forEach(n -> required.add(n.asText()));
        assertEquals(required, names(s.get("properties")), schema + ": every property is required");
        return required;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new TreeSet<>();
        Iterator<String> it = object.fieldNames();
        it.forEachRemaining(out::add);
        return out;
    }

    private static String header(ProducerRecord<byte[], byte[]> rec, String name) {
        List<String> values = new ArrayList<>();
        rec.headers().headers(name).forEach(h -> values.add(new String(h.value(), StandardCharsets.UTF_8)));
        assertEquals(1, values.size(), name);
        return values.get(0);
    }
}
