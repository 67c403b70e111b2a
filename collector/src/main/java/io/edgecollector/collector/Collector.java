package io.edgecollector.collector;

import io.edgecollector.collector.alert.Alerting;
import io.edgecollector.collector.buffer.BatchWriter;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.ConfigException;
import io.edgecollector.collector.config.Setting;
import io.edgecollector.collector.config.Secret;
import io.edgecollector.collector.ingest.Ingestor;
import io.edgecollector.collector.ingest.MqttIntake;
import io.edgecollector.collector.ingest.Warmup;
import io.edgecollector.collector.ingest.RedeliveryDetector;
import io.edgecollector.collector.rawlog.RawTail;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.ReadingMapper;
import io.edgecollector.collector.parse.TopicTemplate;
import io.edgecollector.collector.postgres.Database;
import io.edgecollector.collector.postgres.PostgresLoader;
import io.edgecollector.collector.rawlog.RawLog;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.QualityRules;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import jakarta.validation.Validator;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's pipeline: MQTT intake, parse and validate, count/time buffer, raw log (append +
 * fsync, then ack), and the loader that follows the raw log into PostgreSQL. {@link #close()} stops intake, flushes and acknowledges what was taken,
 * then disconnects; it is safe to call twice.
 */
public final class Collector implements AutoCloseable, CollectorStatus {
    private static final Logger LOG = LoggerFactory.getLogger(Collector.class);

    private final CollectorConfig config;
    private final RawLog rawLog;
    private final BatchWriter writer;
    private final MqttIntake intake;
    private final SensorRegistry registry;
    private final Database database;
    private final PostgresLoader loader;
    private final PayloadDecoder decoder;
    private final Ingestor ingestor;
    private final MessageProcessor processor;
    private final Alerting alerting;
    private volatile boolean closed;

    public Collector(CollectorConfig config, Metrics metrics, Clock clock) throws MqttException {
        this.config = config;
        Validator validator = Validators.shared();
        this.registry = SensorRegistry.load(config.sensorsFile(), validator);
        this.processor = processor(config, validator, registry);
        this.decoder = new PayloadDecoder(config.maxPayloadBytes());
        this.rawLog = new RawLog(config.rawDir(), config.instanceId());
        this.database = new Database(config);
        this.loader = new PostgresLoader(database, registry, processor, config.rawDir(), config.instanceId(), metrics);
        // alerts: a second follower of what the writer made durable (issue 12)
        this.alerting = new Alerting(config, registry, processor, database::pool, loader::isReady, metrics, clock);
        this.writer = new BatchWriter(rawLog, config.batchSize(), config.flushInterval(), metrics, written -> {
            loader.written(written);
            alerting.written(written);
        });
        RedeliveryDetector redeliveries = new RedeliveryDetector();
        redeliveries.seed(RawTail.identities(config.rawDir(), config.instanceId(),
                MqttIntake.receiveMaximum(config.batchSize())));
        this.ingestor = new Ingestor(decoder, processor, writer, metrics, clock,
                redeliveries);
        try {
            this.intake = new MqttIntake(config, this.ingestor::handle, redeliveries, metrics);
        } catch (java.io.IOException e) {
            throw new ConfigException("TLS files (" + Setting.CA_FILE.key() + ", " + Setting.CLIENT_CERT.key() + ", "
                    + Setting.CLIENT_KEY.key() + "): " + e.getMessage(), e);
        }
    }

    /** The shared path from message to readings, as configured. */
    public static MessageProcessor processor(CollectorConfig config, Validator validator, SensorRegistry registry) {
        return new MessageProcessor(new ReadingMapper(TopicTemplate.of(config.topicTemplate())), validator, registry,
                new QualityRules(config.missingSentinels(), config.futureTolerance(), config.staleAfter()));
    }

    /**
     * Connects to the broker; once subscribed (or {@link #BROKER_FIRST} later), and while intake
     * runs, the database is prepared (create, migrate, sync the registry) and the message path
     * is warmed up; then starts the loader. An
     * unreachable database does not stop intake: the raw files keep everything until it
     * returns. Connects with capped backoff for up to maxWait (the daemon waits as long as it takes).
     * @return whether the broker answered in time
     * @throws io.edgecollector.collector.postgres.SchemaTooNewException when the database was migrated by a newer
     *     collector (intake stops; what was taken meanwhile is in the raw files)
     */
    public boolean start(Duration maxWait) throws InterruptedException {
        LOG.info("event=starting raw_dir={} sensors_registered={} batch_size={} flush_interval={} db={}",
                config.rawDir().toAbsolutePath(), registry.size(), config.batchSize(), config.flushInterval(),
                Secret.maskUrl(config.dbUrl()));
        CompletableFuture<RuntimeException> prepared = new CompletableFuture<>();
        Thread preparing = new Thread(() -> {
            try {
                awaitSubscribed(BROKER_FIRST);
                Warmup.start(decoder, processor, ingestor::hasReceived);
                prepared.complete(prepareDatabase());
            } catch (Throwable t) {
                // an Error too (a broken jar, a missing class): the start must fail, not wait forever
                prepared.complete(new IllegalStateException("preparing the database failed: " + t, t));
            }
        }, "collector-db-prepare");
        preparing.setDaemon(true);
        preparing.start();
        prepared.thenAccept(refused -> {
            if (refused != null) {
                intake.stopIntake();
            }
        });
        alerting.start();
        writer.start();
        boolean connected = intake.start(maxWait);
        RuntimeException refused = prepared.join();
        if (refused != null) {
            throw refused;
        }
        loader.start();
        return connected;
    }

    /**
     * The broker first: on a small box the warm-up and the database check (Flyway loading its
     * classes and validating the schema) took the CPU the connection needed, and messages wait
     * on the subscription, not on them (the raw files hold what arrives before the database is
     * ready). They start once subscribed, or after this long if the broker is slow to answer.
     */
    private static final Duration BROKER_FIRST = Duration.ofSeconds(1);

    private void awaitSubscribed(Duration atMost) {
        long deadline = System.nanoTime() + atMost.toNanos();
        try {
            while (!intake.isSubscribed() && !closed && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Null when prepared, or when the database is away (the loader retries); the error that must stop the start otherwise. */
    private RuntimeException prepareDatabase() {
        try {
            loader.prepare();
            return null;
        } catch (SQLException e) {
            LOG.warn("event=database_unavailable cause=\"{}\"; ingesting into raw files, loading when it returns",
                    e.getMessage());
            return null;
        } catch (RuntimeException e) {
            return e;
        }
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
        return !closed && writer.isAlive() && loader.isAlive() && alerting.isAlive();
    }

    /**
     * SIGHUP: the sensor registry and the alert rules of a freshly loaded configuration replace
     * the ones in use, without stopping intake (unchanged rules keep their state).
     * @throws ConfigException when the new registry file is bad: nothing is replaced
     */
    public void reload(CollectorConfig fresh) {
        SensorRegistry newRegistry = SensorRegistry.load(fresh.sensorsFile(), Validators.shared());
        processor.useRegistry(newRegistry);
        loader.useRegistry(newRegistry);
        alerting.reload(fresh.alertRules(), newRegistry);
        LOG.info("event=reloaded sensors_registered={} alert_rules={}", newRegistry.size(), fresh.alertRules().size());
    }

    /** Alert rules, state and outputs (GET /alerts, SIGHUP). */
    public Alerting alerting() {
        return alerting;
    }

    /** Asks a start still waiting for the broker to give up; close() does the rest. */
    public void requestStop() {
        intake.stopIntake();
    }

    @Override
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
        alerting.close();
        loader.close();
        database.close();
        LOG.info("event=stopped");
    }
}
