package io.edgecollector.collector.kafka;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.util.ByteArrayBuilder;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.Processed;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.rawlog.RawChunk;
import io.edgecollector.collector.rawlog.RawLineCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * The records of the Kafka output (docs/kafka.md, docs/kafka/*.schema.json). A reading: key
 * sensor_id, value the measurements row as JSON plus instance_id. A rejected message: key the
 * MQTT topic, value the rejected_messages row as JSON plus instance_id. Both carry the headers
 * mqtt_topic and received_at.
 */
final class KafkaRecords {
    static final String TOPIC_HEADER = "mqtt_topic";
    static final String RECEIVED_AT_HEADER = "received_at";
    private static final JsonFactory JSON = new JsonFactory();

    private final String readingsTopic;
    private final String rejectionsTopic;
    private final String instanceId;

    KafkaRecords(String readingsTopic, String rejectionsTopic, String instanceId) {
        this.readingsTopic = readingsTopic;
        this.rejectionsTopic = rejectionsTopic;
        this.instanceId = instanceId;
    }

    ProducerRecord<byte[], byte[]> reading(Reading r) {
        ByteArrayBuilder out = new ByteArrayBuilder(256);
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("sensor_id", r.sensorId());
            g.writeStringField("metric", r.metric());
            g.writeStringField("ts", r.ts().toString());
            if (r.value() == null) {
                g.writeNullField("value");
            } else {
                g.writeNumberField("value", r.value());
            }
            g.writeStringField("unit", r.unit());
            g.writeStringField("quality", r.quality().label());
            g.writeStringField("topic", r.topic());
            g.writeStringField("received_at", r.receivedAt().toString());
            g.writeStringField("instance_id", instanceId);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ProducerRecord<>(readingsTopic, null, null, r.sensorId().getBytes(StandardCharsets.UTF_8),
                out.toByteArray(), headers(r.topic(), r.receivedAt().toString()));
    }

    /** The dead letter of a message that was rejected in whole or in part, with the reason. */
    ProducerRecord<byte[], byte[]> rejection(Processed p, RawChunk chunk, RawChunk.Line line, String rawFile) {
        MappedMessage m = p.result();
        ByteArrayBuilder out = new ByteArrayBuilder(256 + line.length());
        try (JsonGenerator g = JSON.createGenerator(out, JsonEncoding.UTF8)) {
            g.writeStartObject();
            g.writeStringField("received_at", p.receivedAt().toString());
            g.writeStringField("topic", p.topic());
            g.writeStringField("payload", payloadText(chunk, line));
            g.writeStringField("reason", String.join("; ", m.rejections()));
            g.writeStringField("raw_file", rawFile);
            g.writeNumberField("raw_offset", line.fileOffset());
            g.writeBooleanField("redelivered", p.dup());
            g.writeStringField("instance_id", instanceId);
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new ProducerRecord<>(rejectionsTopic, null, null, p.topic().getBytes(StandardCharsets.UTF_8),
                out.toByteArray(), headers(p.topic(), p.receivedAt().toString()));
    }

    private static List<Header> headers(String mqttTopic, String receivedAt) {
        return List.of(new RecordHeader(TOPIC_HEADER, mqttTopic.getBytes(StandardCharsets.UTF_8)),
                new RecordHeader(RECEIVED_AT_HEADER, receivedAt.getBytes(StandardCharsets.UTF_8)));
    }

    private static String payloadText(RawChunk chunk, RawChunk.Line line) {
        try {
            return RawLineCodec.payloadText(chunk.buffer(), line.start(), line.length());
        } catch (IOException e) {
            return "";
        }
    }
}
