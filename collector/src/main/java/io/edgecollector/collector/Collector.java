package io.edgecollector.collector;

import io.edgecollector.collector.buffer.BatchWriter;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.ingest.Ingestor;
import io.edgecollector.collector.ingest.MqttIntake;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.ReadingMapper;
import io.edgecollector.collector.parse.TopicTemplate;
import io.edgecollector.collector.rawlog.RawLog;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.QualityRules;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import jakarta.validation.Validator;
import java.time.Clock;
import java.time.Duration;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's pipeline: MQTT intake, parse and validate, count/time buffer, raw log (append +
 * fsync, then ack). {@link #close()} stops intake, flushes and acknowledges what was taken,
 * then disconnects; it is safe to call twice.
 */
public final class Collector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

    private final CollectorConfig config;
    private final RawLog rawLog;
    private final BatchWriter writer;
    private final MqttIntake intake;
    private final SensorRegistry registry;
    private boolean closed;

    public Collector(CollectorConfig config, Metrics metrics, Clock clock) throws MqttException {
        this.config = config;
        Validator validator = Validators.create();
        this.registry = SensorRegistry.load(config.sensorsFile(), validator);
        MessageProcessor processor = processor(config, validator, registry);
        this.rawLog = new RawLog(config.rawDir(), config.instanceId());
        this.writer = new BatchWriter(rawLog, config.batchSize(), config.flushInterval(), metrics, () -> { });
        Ingestor ingestor = new Ingestor(new PayloadDecoder(config.maxPayloadBytes()), processor, writer, metrics, clock);
        this.intake = new MqttIntake(config, ingestor::handle, metrics);
    }

    /** The shared path from message to readings, as configured. */
    public static MessageProcessor processor(CollectorConfig config, Validator validator, SensorRegistry registry) {
        return new MessageProcessor(new ReadingMapper(TopicTemplate.of(config.topicTemplate())), validator, registry,
                new QualityRules(config.missingSentinels(), config.futureTolerance(), config.staleAfter()));
    }

    /**
     * Starts the writer and connects to the broker, retrying with capped backoff for up to
     * maxWait (the daemon waits for as long as it takes).
     * @return whether the broker answered in time
     */
    public boolean start(Duration maxWait) throws InterruptedException {
        LOG.info("event=starting raw_dir={} sensors_registered={} batch_size={} flush_interval={}",
                config.rawDir().toAbsolutePath(), registry.size(), config.batchSize(), config.flushInterval());
        writer.start();
        return intake.start(maxWait);
    }

    public boolean isSubscribed() {
        return intake.isSubscribed();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        intake.stopIntake();
        writer.close();
        intake.close();
        rawLog.close();
        LOG.info("event=stopped");
    }
}
