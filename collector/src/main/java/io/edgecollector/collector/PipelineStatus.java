package io.edgecollector.collector;

import io.edgecollector.collector.buffer.BatchWriter;
import io.edgecollector.collector.ingest.MqttIntake;
import io.edgecollector.collector.kafka.KafkaForwarder;
import io.edgecollector.collector.postgres.PostgresLoader;
import java.util.List;

/** The pipeline's state as its parts report it. */
final class PipelineStatus implements CollectorStatus {
    private final MqttIntake intake;
    private final BatchWriter writer;
    private final PostgresLoader loader;
    private final KafkaForwarder kafka;

    /** @param kafka the Kafka output, or null when it is off */
    PipelineStatus(MqttIntake intake, BatchWriter writer, PostgresLoader loader, KafkaForwarder kafka) {
        this.intake = intake;
        this.writer = writer;
        this.loader = loader;
        this.kafka = kafka;
    }

    @Override
    public List<OutputStatus> outputs() {
        return kafka == null ? List.of() : List.of(kafka);
    }

    @Override
    public boolean isSubscribed() {
        return intake.isSubscribed();
    }

    @Override
    public boolean isDatabaseReady() {
        return loader.isReady();
    }

    @Override
    public long backlogBytes() {
        return loader.backlogBytes();
    }

    @Override
    public long backlogMessages() {
        return loader.backlogMessages();
    }

    @Override
    public boolean isAlive() {
        return writer.isAlive() && loader.isAlive() && (kafka == null || kafka.isAlive());
    }
}
