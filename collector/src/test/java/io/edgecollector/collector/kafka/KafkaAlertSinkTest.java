package io.edgecollector.collector.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecollector.collector.alert.AlertEvent;
import io.edgecollector.collector.config.ConfigLoader;
import io.edgecollector.collector.config.KafkaConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The alert record is what docs/kafka/alert.schema.json says; the sink's transactional id is its own. */
class KafkaAlertSinkTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void alertRecord_hasTheSchemasFields_keySensorId_headersRuleAndState() throws Exception {
        KafkaConfig k = ConfigLoader.load(null, Map.of("COLLECTOR_KAFKA_BOOTSTRAP_SERVERS", "k:9092"), Map.of()).kafka();
        KafkaAlertSink sink = new KafkaAlertSink(k, "edge-collector", "edge7");
        AlertEvent e = AlertEvent.of("too_hot", "Sensor 1", "temperature", true, 41.2, 40.0,
                Instant.parse("2026-12-02T10:00:03Z"), Instant.parse("2026-12-02T10:00:03.118Z"));
        ProducerRecord<byte[], byte[]> rec = sink.record(e);
        JsonNode v = JSON.readTree(rec.value());
        JsonNode schema = JSON.readTree(Path.of("../docs/kafka/alert.schema.json").toFile());
        Set<String> required = new TreeSet<>();
        schema.get("required").forEach(n -> required.add(n.asText()));
        assertEquals(required, names(schema.get("properties")), "every property is required");
        assertEquals(required, names(v));
        assertEquals("edge.alerts", rec.topic());
        assertEquals("Sensor 1", new String(rec.key(), StandardCharsets.UTF_8));
        assertEquals(e.eventId(), v.get("event_id").asText());
        assertEquals("firing", v.get("state").asText());
        assertEquals(41.2, v.get("value").asDouble());
        assertEquals("edge7", v.get("instance_id").asText());
        assertEquals("too_hot", new String(rec.headers().lastHeader("rule").value(), StandardCharsets.UTF_8));
        assertEquals("firing", new String(rec.headers().lastHeader("state").value(), StandardCharsets.UTF_8));
        JsonNode silence = JSON.readTree(sink.record(AlertEvent.of("quiet", "s", "*", true, null, 120.0, null,
                Instant.parse("2026-12-02T10:00:00Z"))).value());
        assertTrue(silence.get("value").isNull() && silence.get("reading_ts").isNull(), silence.toString());
        assertEquals("edge-collector.alerts/alerts_20261202.jsonl",
                Checkpoints.key("edge-collector" + KafkaAlertSink.SUFFIX, "alerts_20261202.jsonl"));
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new TreeSet<>();
        Iterator<String> it = object.fieldNames();
        it.forEachRemaining(out::add);
        return out;
    }
}
