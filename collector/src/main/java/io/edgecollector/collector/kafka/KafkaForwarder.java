package io.edgecollector.collector.kafka;

import io.edgecollector.collector.OutputStatus;
import io.edgecollector.collector.config.KafkaConfig;
import io.edgecollector.collector.lifecycle.Backoff;
import io.edgecollector.collector.lifecycle.Component;
import io.edgecollector.collector.lifecycle.Loop;
import io.edgecollector.collector.lifecycle.RateLimitedLog;
import io.edgecollector.collector.lifecycle.Supervisor;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.postgres.Backlog;
import io.edgecollector.collector.rawlog.HandedLines;
import io.edgecollector.collector.rawlog.LineSource;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.rawlog.Written;
import io.edgecollector.collector.validate.MessageProcessor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka output: a thread that follows this instance's raw files, like the PostgreSQL loader
 * but with a checkpoint of its own, kept in Kafka. Each chunk of raw lines becomes one Kafka
 * transaction holding the chunk's readings and dead letters and the file's new checkpoint
 * ({@link Checkpoints}), so a read_committed consumer sees every line's records exactly once
 * whatever kills the process. After any retriable failure the producer is closed and made again:
 * initTransactions aborts what was open, and the checkpoints are read back from Kafka, the one
 * place that knows whether the last commit went through. Fencing, refused credentials or
 * permissions and bugs go to the supervisor.
 */
public final class KafkaForwarder implements Component, OutputStatus {
    private static final Logger LOG = LoggerFactory.getLogger(KafkaForwarder.class);
    private static final Duration CHECKPOINT_READ_TIMEOUT = Duration.ofSeconds(30);

    /** Waits until the broker has been served first (see Collector). */
    public interface Gate {
        void await() throws InterruptedException;
    }

    private final KafkaConfig config;
    private final String transactionalId;
    private final Path rawDir;
    private final String instanceId;
    private final Metrics metrics;
    private final Supervisor supervisor;
    private final Gate gate;
    private final HandedLines handed = new HandedLines();
    private final ChunkForwarder chunks;
    private final Resends resends;
    private final Map<String, Long> offsets = new HashMap<>();
    private final Backlog backlog = new Backlog();
    private final Loop loop = new Loop("collector-kafka", this::run);
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private KafkaProducer<byte[], byte[]> producer;
    private Admin admin;
    private volatile boolean ready;

    /**
     * @param recordInstanceId the instance id written into every record
     * @param resendWindow     how many lines back the broker may deliver a message again
     */
    public KafkaForwarder(KafkaConfig config, String transactionalId, Path rawDir, String instanceId,
                          String recordInstanceId, MessageProcessor processor, int resendWindow, Metrics metrics,
                          Supervisor supervisor, Gate gate) {
        this.config = config;
        this.transactionalId = transactionalId;
        this.rawDir = rawDir;
        this.instanceId = instanceId;
        this.metrics = metrics;
        this.supervisor = supervisor;
        this.gate = gate;
        this.resends = new Resends(resendWindow);
        this.chunks = new ChunkForwarder(new LineSource(handed, processor),
                new KafkaRecords(config.readingsTopic(), config.rejectionsTopic(), recordInstanceId),
                config.offsetsTopic(), transactionalId, resends);
    }

    @Override
    public String name() {
        return "kafka";
    }

    @Override
    public void start() {
        loop.start();
    }

    /** Called after each durable raw batch: new lines to forward, held here until forwarded. */
    public void written(List<Written> written) {
        for (Written w : written) {
            handed.add(w);
        }
        loop.wake();
    }

    public boolean isAlive() {
        return loop.isAlive();
    }

    @Override
    public boolean isReady() {
        return ready;
    }

    @Override
    public long lagBytes() {
        return backlog.bytes();
    }

    @Override
    public long lagMessages() {
        return backlog.lines();
    }

    private void run() {
        try {
            gate.await();
            while (loop.running()) {
                try {
                    if (producer == null) {
                        connect();
                    }
                    boolean progress = forwardAll();
                    backoff.reset();
                    if (!progress) {
                        loop.awaitWork(1, TimeUnit.SECONDS);
                    }
                } catch (IOException | RuntimeException e) {
                    if (!loop.running()) {
                        break;
                    }
                    if (KafkaErrors.isFatal(e)) {
                        fatal(e);
                        return;
                    }
                    retryLater(e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            disconnect();
        }
    }

    /**
     * A new producer: initTransactions fences any older producer of this transactional id and
     * ends its open transaction; then the committed checkpoints are the truth.
     */
    private void connect() throws IOException {
        observeBacklog();
        admin = Admin.create(KafkaClients.common(config, transactionalId + "-admin"));
        Topics.ensure(admin, config, CHECKPOINT_READ_TIMEOUT);
        producer = new KafkaProducer<>(KafkaClients.producer(config, transactionalId), new ByteArraySerializer(),
                new ByteArraySerializer());
        producer.initTransactions();
        Map<String, Long> committed = Checkpoints.read(KafkaClients.checkpointConsumer(config, transactionalId),
                () -> admin, config.offsetsTopic(), transactionalId, CHECKPOINT_READ_TIMEOUT);
        offsets.clear();
        offsets.putAll(committed);
        seedResends();
        for (Path file : RawFiles.list(rawDir, instanceId)) {
            String name = file.getFileName().toString();
            backlog.checkpointKnown(name, offsets.getOrDefault(name, 0L));
            backlog.observe(file, Files.size(file));
        }
        ready = true;
        LOG.info("event=kafka_ready bootstrap_servers={} transactional_id={} topics={},{} checkpoints={} lag_bytes={}",
                config.bootstrapServers(), transactionalId, config.readingsTopic(), config.rejectionsTopic(),
                committed.size(), backlog.bytes());
    }

    /** The resend window continues where the last forwarded line was: in the newest file with a checkpoint. */
    private void seedResends() throws IOException {
        List<Path> files = RawFiles.list(rawDir, instanceId);
        for (int i = files.size() - 1; i >= 0; i--) {
            long at = offsets.getOrDefault(files.get(i).getFileName().toString(), 0L);
            if (at > 0) {
                resends.seed(files.get(i), at);
                return;
            }
        }
        resends.clear();
    }

    private boolean forwardAll() throws IOException {
        boolean progress = false;
        for (Path file : RawFiles.list(rawDir, instanceId)) {
            String name = file.getFileName().toString();
            long offset = offsets.getOrDefault(name, 0L);
            while (loop.running() && Files.size(file) > offset) {
                long start = System.nanoTime();
                ChunkForwarder.Result r = chunks.forward(producer, file, offset);
                if (r == null) {
                    break;
                }
                offset = r.endOffset();
                offsets.put(name, offset);
                backlog.loaded(name, offset, r.lines());
                progress = true;
                metrics.kafkaForwarded(r.lines(), r.readings(), r.rejections(), System.nanoTime() - start);
            }
            backlog.observe(file, Files.size(file));
        }
        return progress;
    }

    private void observeBacklog() throws IOException {
        for (Path file : RawFiles.list(rawDir, instanceId)) {
            backlog.observe(file, Files.size(file));
        }
    }

    private void retryLater(Exception e) {
        ready = false;
        metrics.kafkaFailed();
        disconnect();
        long delay = backoff.next();
        failures.error("event=kafka_forward_failed cause=\"{}\" retry_in={}ms lag_bytes={}; raw files keep everything",
                KafkaErrors.describe(e), delay, backlog.bytes());
        loop.pause(delay);
    }

    private void fatal(Exception e) {
        ready = false;
        metrics.kafkaFailed();
        LOG.error("event=kafka_fatal transactional_id={} cause=\"{}\"; stopping (raw files keep everything)",
                transactionalId, KafkaErrors.describe(e), e);
        supervisor.fail("kafka", e);
        loop.end();
    }

    /** Closes the clients; an open transaction is aborted by the next initTransactions. */
    private void disconnect() {
        KafkaClients.closeNow(producer, admin);
        producer = null;
        admin = null;
    }

    /** Stops after the current transaction, waiting at most the timeout. */
    @Override
    public void stop(Duration timeout) {
        loop.stop(timeout);
    }
}
