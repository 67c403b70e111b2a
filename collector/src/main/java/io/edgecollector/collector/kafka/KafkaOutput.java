package io.edgecollector.collector.kafka;

import io.edgecollector.collector.alert.AlertSink;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.ingest.RedeliveryDetector;
import io.edgecollector.collector.lifecycle.Supervisor;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.validate.MessageProcessor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiPredicate;
import org.apache.kafka.clients.admin.Admin;

/** Builds the Kafka output from the configuration: the one entry point the pipeline's wiring needs. */
public final class KafkaOutput {
    private KafkaOutput() {
    }

    /** The forwarder when kafka.bootstrap_servers is set, else null (the output is off). */
    public static KafkaForwarder forwarder(CollectorConfig config, MessageProcessor processor, Metrics metrics,
                                           Supervisor supervisor, KafkaForwarder.Gate gate) {
        if (!config.kafka().enabled()) {
            return null;
        }
        return new KafkaForwarder(config.kafka(), transactionalId(config), config.rawDir(), config.instanceId(),
                recordInstanceId(config), processor, RedeliveryDetector.RECENT_ACKS, metrics,
                supervisor, gate);
    }

    /** The output of alert events to kafka.alerts_topic, or null when the Kafka output or that topic is off. */
    public static AlertSink alertSink(CollectorConfig config) {
        if (!config.kafka().alertsEnabled()) {
            return null;
        }
        return new KafkaAlertSink(config.kafka(), transactionalId(config), recordInstanceId(config));
    }

    /**
     * For retention (`collector compact`): whether Kafka has a raw file forwarded up to an offset,
     * from the checkpoints committed now. A file of instance X is looked up under the
     * transactional id of this client id and X.
     * @throws org.apache.kafka.common.KafkaException when Kafka cannot be asked
     */
    public static BiPredicate<String, Long> forwarded(CollectorConfig config) {
        String everyTransactionalId = "";
        Properties consumer = KafkaClients.checkpointConsumer(config.kafka(), transactionalId(config) + "-retention");
        try (Admin admin = Admin.create(KafkaClients.common(config.kafka(), transactionalId(config) + "-retention"))) {
            Map<String, Long> all = Checkpoints.read(consumer, () -> admin, config.kafka().offsetsTopic(), everyTransactionalId,
                    Duration.ofSeconds(30));
            return (name, end) -> {
                String instance = RawFiles.instanceOf(Path.of(name));
                String key = Checkpoints.key(KafkaClients.transactionalId(config.clientId(), instance), name);
                return all.getOrDefault(key, -1L) >= end;
            };
        }
    }

    /** See {@link KafkaClients#transactionalId}. */
    public static String transactionalId(CollectorConfig config) {
        return KafkaClients.transactionalId(config.clientId(), config.instanceId());
    }

    /** The instance_id in every record: the instance id, or the client id for an unnamed instance. */
    static String recordInstanceId(CollectorConfig config) {
        return config.instanceId().isEmpty() ? config.clientId() : config.instanceId();
    }
}
