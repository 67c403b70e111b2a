package io.edgecollector.collector.kafka;

import io.edgecollector.collector.alert.AlertEvent;
import io.edgecollector.collector.alert.AlertSink;
import io.edgecollector.collector.config.KafkaConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alert events to Kafka, exactly once for a read_committed consumer: the output's
 * {@link io.edgecollector.collector.alert.AlertFollower} hands it the events of the alert log from
 * its checkpoint, and each batch is one Kafka transaction holding the events (key sensor_id, value
 * the event as JSON plus instance_id) and the alert file's new checkpoint
 * ({@code <transactional id>/<alert file> -> {"offset": N}} in the offsets topic), as the readings
 * forwarder does for raw files. Its transactional id is the readings forwarder's plus
 * {@value #SUFFIX}. After any failure the producer is dropped; the follower asks for the
 * checkpoints again, which makes a new producer (initTransactions fences a zombie and aborts what
 * was open) and reads them back from Kafka, so whether an uncertain commit went through is read,
 * never guessed.
 */
public final class KafkaAlertSink implements AlertSink {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaAlertSink.class);
    static final String SUFFIX = ".alerts";
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConfig config;
    private final String transactionalId;
    private final String instanceId;
    private final Map<String, Long> committed = new HashMap<>();
    private KafkaProducer<byte[], byte[]> producer;
    private Admin admin;

    /**
     * @param forwarderTransactionalId the readings forwarder's transactional id
     * @param recordInstanceId         the instance id written into every record
     */
    public KafkaAlertSink(KafkaConfig config, String forwarderTransactionalId, String recordInstanceId) {
        this.config = config;
        this.transactionalId = forwarderTransactionalId + SUFFIX;
        this.instanceId = recordInstanceId;
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public long checkpoint(String alertFile) {
        if (producer == null) {
            connect();
        }
        return committed.getOrDefault(alertFile, 0L);
    }

    @Override
    public void deliver(String alertFile, List<AlertEvent> events, long endOffset) {
        if (producer == null) {
            connect();
        }
        try {
            producer.beginTransaction();
            for (AlertEvent e : events) {
                producer.send(record(e));
            }
            producer.send(Checkpoints.record(config.offsetsTopic(), transactionalId, alertFile, endOffset));
            producer.commitTransaction();
            committed.put(alertFile, endOffset);
        } catch (RuntimeException e) {
            disconnect();
            throw new IllegalStateException("kafka: " + KafkaErrors.describe(e), e);
        }
    }

    ProducerRecord<byte[], byte[]> record(AlertEvent e) {
        byte[] value = e.toJson().put("instance_id", instanceId).toString().getBytes(StandardCharsets.UTF_8);
        return new ProducerRecord<>(config.alertsTopic(), null, null, e.sensorId().getBytes(StandardCharsets.UTF_8), value,
                List.of(new RecordHeader("rule", e.rule().getBytes(StandardCharsets.UTF_8)),
                        new RecordHeader("state", e.state().getBytes(StandardCharsets.UTF_8))));
    }

    private void connect() {
        try {
            admin = Admin.create(KafkaClients.common(config, transactionalId + "-admin"));
            Topics.ensure(admin, config, TIMEOUT);
            producer = new KafkaProducer<>(KafkaClients.producer(config, transactionalId), new ByteArraySerializer(),
                    new ByteArraySerializer());
            producer.initTransactions();
            Map<String, Long> read = Checkpoints.read(KafkaClients.checkpointConsumer(config, transactionalId),
                    () -> admin, config.offsetsTopic(), transactionalId, TIMEOUT);
            committed.clear();
            committed.putAll(read);
            LOG.info("event=kafka_alerts_ready topic={} transactional_id={} checkpoints={}", config.alertsTopic(),
                    transactionalId, read.size());
        } catch (RuntimeException e) {
            disconnect();
            throw new IllegalStateException("kafka: " + KafkaErrors.describe(e), e);
        }
    }

    private void disconnect() {
        KafkaClients.closeNow(producer, admin);
        producer = null;
        admin = null;
    }

    @Override
    public void close() {
        disconnect();
    }
}
