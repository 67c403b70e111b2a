package io.edgecollector.collector.kafka;

import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.ingest.MqttIntake;
import io.edgecollector.collector.lifecycle.Supervisor;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.validate.MessageProcessor;

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
                recordInstanceId(config), processor, MqttIntake.receiveMaximum(config.batchSize()), metrics,
                supervisor, gate);
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
