package io.edgecollector.collector;

import io.edgecollector.collector.alert.AlertSink;
import io.edgecollector.collector.alert.Alerting;
import io.edgecollector.collector.buffer.BatchWriter;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.ConfigException;
import io.edgecollector.collector.config.Secret;
import io.edgecollector.collector.config.Setting;
import io.edgecollector.collector.ingest.HttpIngest;
import io.edgecollector.collector.ingest.Ingestor;
import io.edgecollector.collector.ingest.MqttIntake;
import io.edgecollector.collector.ingest.RedeliveryDetector;
import io.edgecollector.collector.ingest.Warmup;
import io.edgecollector.collector.kafka.KafkaForwarder;
import io.edgecollector.collector.kafka.KafkaOutput;
import io.edgecollector.collector.lifecycle.Lifecycle;
import io.edgecollector.collector.lifecycle.Supervisor;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.TopicTemplate;
import io.edgecollector.collector.postgres.Database;
import io.edgecollector.collector.postgres.PostgresLoader;
import io.edgecollector.collector.rawlog.RawLog;
import io.edgecollector.collector.rawlog.RawTail;
import io.edgecollector.collector.sparkplug.SparkplugHost;
import io.edgecollector.collector.sparkplug.SparkplugState;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.SensorRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's pipeline, wired in one place: MQTT intake, parse and validate, count/time
 * buffer, raw log (append + fsync, then ack), the loader that follows the raw log into
 * PostgreSQL, and the warm-up. Each part owns its threads and starts and stops through the
 * {@link Lifecycle}; a fatal failure of any part goes to the {@link Supervisor}, which stops
 * intake at once and wakes whoever waits on it. {@link #close()} is safe to call twice.
 */
public final class Collector implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

    /**
     * The broker first: on a small box the warm-up and the database check (Flyway loading its
     * classes and validating the schema) took the CPU the connection needed, and messages wait
     * on the subscription, not on them (the raw files hold what arrives before the database is
     * ready). They start once subscribed, or after this long if the broker is slow to answer.
     */
    private static final Duration BROKER_FIRST = Duration.ofSeconds(1);
    /** Each part's stop is bounded by this; the writer's by the flush interval plus a full disk's grace. */
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final CollectorConfig config;
    private final Supervisor supervisor;
    private final SensorRegistry registry;
    private final RawLog rawLog;
    private final Database database;
    private final PostgresLoader loader;
    /** The Kafka output, or null when kafka.bootstrap_servers is not set. */
    private final KafkaForwarder kafka;
    private final BatchWriter writer;
    private final Ingestor ingestor;
    private final MqttIntake intake;
    private final Warmup warmup;
    private final SparkplugHost sparkplugHost;
    private final SparkplugState sparkplug;
    private final Lifecycle lifecycle = new Lifecycle(STOP_TIMEOUT);
    private final CollectorStatus status;
    private final MessageProcessor processor;
    private final Alerting alerting;
    private final Metrics metrics;
    private boolean closed;

    /** A collector with a supervisor of its own (tests, the demo). */
    public Collector(CollectorConfig config, Metrics metrics, Clock clock) throws MqttException {
        this(config, metrics, clock, new Supervisor());
    }

    public Collector(CollectorConfig config, Metrics metrics, Clock clock, Supervisor supervisor) throws MqttException {
        this.config = config;
        this.supervisor = supervisor;
        this.metrics = metrics;
        MessagePath path = MessagePath.of(config);
        this.registry = path.registry();
        this.processor = path.processor();
        PayloadDecoder decoder = new PayloadDecoder(config.maxPayloadBytes());
        this.rawLog = new RawLog(config.rawDir(), config.instanceId());
        this.database = new Database(config);
        this.loader = new PostgresLoader(database, registry, processor, config.rawDir(), config.instanceId(), metrics,
                supervisor, this::brokerFirst);
        // alerts: a follower of what the writer made durable (issue 12)
        AlertSink kafkaAlerts = KafkaOutput.alertSink(config);
        this.alerting = new Alerting(config, registry, processor, database::pool, loader::isReady, metrics, clock,
                kafkaAlerts == null ? List.of() : List.of(kafkaAlerts));
        this.kafka = KafkaOutput.forwarder(config, processor, metrics, supervisor, this::brokerFirst);
        List<BatchWriter.FlushListener> followers = new ArrayList<>(List.of(loader::written, alerting::written));
        if (kafka != null) {
            followers.add(kafka::written);
        }
        this.writer = new BatchWriter(rawLog, config.batchSize(), config.flushInterval(), metrics,
                BatchWriter.FlushListener.all(followers));
        RedeliveryDetector redeliveries = new RedeliveryDetector();
        redeliveries.seed(RawTail.identities(config.rawDir(), config.instanceId(),
                MqttIntake.receiveMaximum(config.batchSize()), RedeliveryDetector.LOST_ACK_WINDOW,
                RedeliveryDetector.RECENT_ACKS));
        this.ingestor = new Ingestor(decoder, processor, writer, metrics, clock, redeliveries);
        try {
            this.intake = new MqttIntake(config, ingestor::handle, redeliveries, metrics);
            writer.afterAcknowledging(intake::sendAcks);
            this.sparkplugHost = config.sparkplug().enabled() ? new SparkplugHost(config, clock, metrics) : null;
        } catch (IOException e) {
            throw new ConfigException("TLS files (" + Setting.CA_FILE.key() + ", " + Setting.CLIENT_CERT.key() + ", "
                    + Setting.CLIENT_KEY.key() + "): " + e.getMessage(), e);
        }
        this.warmup = new Warmup(decoder, processor, TopicTemplate.of(config.topicTemplate()), ingestor::hasReceived,
                this::brokerFirst);
        this.sparkplug = path.sparkplug();
        sparkplug.reportTo(metrics);
        sparkplug.writeSnapshots();
        if (sparkplugHost != null) {
            sparkplug.requestRebirthsWith(sparkplugHost);
        }
        this.status = new PipelineStatus(intake, writer, loader, kafka);
        supervisor.onEnd(intake::stopIntake);
    }

    /**
     * Starts every part: the writer, the loader and the warm-up (both wait until the broker is
     * served, {@link #BROKER_FIRST}), then intake, which connects with capped backoff. Returns
     * once connected and once the first attempt to prepare the database (create, migrate, sync
     * the registry) is over. An unreachable database does not stop intake: the raw files keep
     * everything until it returns.
     * @return whether the broker answered within maxWait (intake keeps trying until closed)
     * @throws io.edgecollector.collector.postgres.SchemaTooNewException when the database was migrated
     *     by a newer collector, or any other fatal failure met during the start
     */
    public boolean start(Duration maxWait) throws Exception {
        LOG.info("event=starting raw_dir={} sensors_registered={} batch_size={} flush_interval={} db={}",
                config.rawDir().toAbsolutePath(), registry.size(), config.batchSize(), config.flushInterval(),
                Secret.maskUrl(config.dbUrl()));
        lifecycle.start(alerting);
        lifecycle.start(writer);
        lifecycle.start(loader);
        if (kafka != null) {
            lifecycle.start(kafka);
        }
        lifecycle.start(warmup);
        lifecycle.start(intake);
        if (sparkplugHost != null) {
            lifecycle.start(sparkplugHost);
        }
        boolean connected = intake.awaitConnected(maxWait);
        if (connected || supervisor.isEnding()) {
            loader.awaitFirstAttempt();
        }
        Supervisor.Failure failure = supervisor.failure().orElse(null);
        if (failure != null) {
            throw failure.cause() instanceof Exception e ? e : new IllegalStateException(failure.message(), failure.cause());
        }
        if (!connected) {
            LOG.error("event=broker_connect_failed url={} waited={}", config.brokerUrl(), maxWait);
        }
        return connected;
    }

    private void brokerFirst() throws InterruptedException {
        intake.awaitSubscribed(BROKER_FIRST);
    }

    /** What the pipeline is doing now: for /health, /ready, /metrics and the status line. */
    public CollectorStatus status() {
        return status;
    }

    /**
     * SIGHUP: the sensor registry and the alert rules of a freshly loaded configuration replace
     * the ones in use, without stopping intake (unchanged rules keep their state).
     * @throws ConfigException when the new registry file is bad: nothing is replaced
     */
    public void reload(CollectorConfig fresh) {
        SensorRegistry newRegistry = MessagePath.of(fresh).registry();
        processor.useRegistry(newRegistry);
        loader.useRegistry(newRegistry);
        alerting.reload(fresh.alertRules(), newRegistry);
        LOG.info("event=reloaded sensors_registered={} alert_rules={}", newRegistry.size(), fresh.alertRules().size());
    }

    /**
     * POST /ingest for the HTTP server: through this collector's intake and writer, the same path
     * as MQTT messages. Requires http.ingest_token when set, else http.token when set.
     * @param answers where answers that come after the fsync are written (the HTTP server's pool)
     */
    public HttpIngest httpIngest(java.util.concurrent.Executor answers) {
        Secret token = !config.httpIngestToken().isEmpty() ? config.httpIngestToken() : config.httpToken();
        return new HttpIngest(ingestor, writer, metrics, config.maxPayloadBytes(), token.isEmpty() ? null : token.value(),
                answers);
    }

    /** Sparkplug B intake state (the online gauges), or null when sparkplug.enabled is off. */
    public SparkplugState sparkplug() {
        return sparkplugHost == null ? null : sparkplug;
    }

    /** Alert rules, state and outputs (GET /alerts, SIGHUP). */
    public Alerting alerting() {
        return alerting;
    }

    /** Stops taking messages, flushes and acknowledges what was taken, then stops every part and disconnects. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        intake.stopIntake();
        writer.close();
        lifecycle.close();
        sparkplug.saveSnapshot();
        rawLog.close();
        database.close();
        LOG.info("event=stopped");
    }
}
