package io.edgecollector.collector;

import io.edgecollector.collector.buffer.BatchWriter;
import io.edgecollector.collector.ingest.MqttIntake;
import io.edgecollector.collector.postgres.PostgresLoader;

/** The pipeline's state as its parts report it. */
final class PipelineStatus implements CollectorStatus {
    private final MqttIntake intake;
    private final BatchWriter writer;
    private final PostgresLoader loader;

    PipelineStatus(MqttIntake intake, BatchWriter writer, PostgresLoader loader) {
        this.intake = intake;
        this.writer = writer;
        this.loader = loader;
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
        return writer.isAlive() && loader.isAlive();
    }
}
