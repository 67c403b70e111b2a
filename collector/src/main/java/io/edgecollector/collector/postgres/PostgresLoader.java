package io.edgecollector.collector.postgres;

import io.edgecollector.collector.lifecycle.Backoff;
import io.edgecollector.collector.lifecycle.Component;
import io.edgecollector.collector.lifecycle.Loop;
import io.edgecollector.collector.lifecycle.RateLimitedLog;
import io.edgecollector.collector.lifecycle.Supervisor;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.rawlog.HandedLines;
import io.edgecollector.collector.rawlog.LineSource;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.rawlog.Written;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.SensorRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's loader: a thread that follows this instance's raw files and loads them into
 * PostgreSQL from their checkpoints. The raw log is the write-ahead log, so when the database
 * is away nothing waits in memory: a retriable failure (connection lost, lock timeout,
 * serialization failure) is retried with capped backoff and the loader catches up from the
 * files when the database returns. A fatal one (a refused schema, a bug, a missing privilege)
 * is handed to the supervisor, which stops the daemon with that one line.
 */
public final class PostgresLoader implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresLoader.class);

    /** Waits until the broker has been served first (see Collector); returns at once when it was. */
    public interface Gate {
        void await() throws InterruptedException;
    }

    private final Database db;
    private volatile SensorRegistry registry;
    private final Path rawDir;
    private final String instanceId;
    private final Metrics metrics;
    private final Supervisor supervisor;
    private final Gate gate;
    private final RawFileLoader files;
    private final HandedLines handed = new HandedLines();
    private final Map<String, Long> offsets = new HashMap<>();
    private final CountDownLatch firstAttempt = new CountDownLatch(1);
    private final Loop loop = new Loop("collector-loader", this::run);
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    private volatile boolean ready;
    private final Backlog backlog = new Backlog();
    private long partitionsCheckedAt;

    public PostgresLoader(Database db, SensorRegistry registry, MessageProcessor processor, Path rawDir,
                          String instanceId, Metrics metrics, Supervisor supervisor, Gate gate) {
        this.db = db;
        this.registry = registry;
        this.rawDir = rawDir;
        this.instanceId = instanceId;
        this.metrics = metrics;
        this.supervisor = supervisor;
        this.gate = gate;
        this.files = new RawFileLoader(db.pool(), new LineSource(handed, processor));
    }

    /**
     * Creates and migrates the database and syncs the registry, once.
     * @throws SchemaTooNewException when the schema is newer than this collector knows
     * @throws SQLException when the database cannot be reached or prepared
     */
    private void prepare() throws SQLException {
        String version = db.prepare(registry);
        files.ensurePartitionsAhead();
        files.warmUp();
        partitionsCheckedAt = System.nanoTime();
        offsets.clear();
        ready = true;
        LOG.info("event=database_ready schema_version={} sensors_synced={}", version, registry.size());
    }

    /**
     * The registry re-read on SIGHUP: synced to the sensors table now when the database is
     * ready (else at the next prepare).
     */
    public void useRegistry(SensorRegistry newRegistry) {
        this.registry = newRegistry;
        if (ready) {
            try {
                SensorSync.sync(db.pool(), newRegistry);
            } catch (SQLException e) {
                LOG.warn("event=sensors_sync_failed cause=\"{}\"; synced when the database is prepared again", e.getMessage());
            }
        }
    }

    @Override
    public String name() {
        return "loader";
    }

    /** Whether its thread runs (false before start and after stop, or after a fatal failure). */
    public boolean isAlive() {
        return loop.isAlive();
    }

    /** Starts the thread: it waits on the gate, prepares the database once, then follows the raw files. */
    @Override
    public void start() {
        loop.start();
    }

    /** Waits until the first attempt to prepare the database is over (it worked, failed, or the loader stopped). */
    public void awaitFirstAttempt() throws InterruptedException {
        firstAttempt.await();
    }

    /** Called after each durable raw batch: there is something new to load, held here until loaded. */
    public void written(List<Written> written) {
        for (Written w : written) {
            handed.add(w);
        }
        loop.wake();
    }

    public boolean isReady() {
        return ready;
    }

    /** Bytes of raw files not yet loaded, as of the last pass. */
    public long backlogBytes() {
        return backlog.bytes();
    }

    /** Whole raw lines (messages) not yet loaded, as of the last pass. */
    public long backlogMessages() {
        return backlog.lines();
    }

    private void run() {
        try {
            gate.await();
            firstPrepare();
            follow();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            firstAttempt.countDown();
        }
    }

    private void firstPrepare() {
        try {
            prepare();
        } catch (SQLException | RuntimeException e) {
            if (!Sql.isRetriable(e)) {
                fatal(e);
                return;
            }
            LOG.warn("event=database_unavailable cause=\"{}\"; ingesting into raw files, loading when it returns",
                    e.getMessage());
        } finally {
            firstAttempt.countDown();
        }
    }

    private void follow() throws InterruptedException {
        while (loop.running()) {
            try {
                if (!ready) {
                    observeBacklog();
                    prepare();
                }
                if (System.nanoTime() - partitionsCheckedAt > TimeUnit.HOURS.toNanos(1)) {
                    files.ensurePartitionsAhead();
                    partitionsCheckedAt = System.nanoTime();
                }
                boolean progress = loadAll();
                backoff.reset();
                if (!progress) {
                    loop.awaitWork(1, TimeUnit.SECONDS);
                }
            } catch (SQLException | IOException | RuntimeException e) {
                if (!Sql.isRetriable(e)) {
                    fatal(e);
                    return;
                }
                retryLater(e);
            }
        }
    }

    private void retryLater(Exception e) {
        if (!(e instanceof SQLException sql) || Sql.isConnectionError(sql)) {
            ready = false;
        }
        metrics.loadFailed();
        long delay = backoff.next();
        failures.error("event=load_failed cause=\"{}\" retry_in={}ms backlog_bytes={}; raw files keep everything",
                e.getMessage(), delay, backlog.bytes());
        loop.pause(delay);
    }

    private void fatal(Exception e) {
        ready = false;
        metrics.loadFailed();
        LOG.error("event=load_fatal cause=\"{}\"; stopping (raw files keep everything)", e.getMessage(), e);
        supervisor.fail("loader", e);
        loop.end();
    }

    private boolean loadAll() throws SQLException, IOException {
        boolean progress = false;
        for (Path file : RawFiles.list(rawDir, instanceId)) {
            String name = file.getFileName().toString();
            long offset = offsetOf(name);
            if (Files.size(file) > offset && loop.running()) {
                long start = System.nanoTime();
                RawFileLoader.Result r = files.load(file, offset, () -> !loop.running());
                offsets.put(name, r.endOffset());
                backlog.loaded(name, r.endOffset(), r.lines());
                if (r.lines() > 0) {
                    progress = true;
                    metrics.rawLinesLoaded(r.lines(), r.readings(), r.inserted(), r.rejections(), System.nanoTime() - start);
                }
            }
            backlog.observe(file, Files.size(file));
        }
        return progress;
    }

    /** While the database is away: what the raw files gained since the last pass. */
    private void observeBacklog() throws IOException {
        for (Path file : RawFiles.list(rawDir, instanceId)) {
            backlog.observe(file, Files.size(file));
        }
    }

    private long offsetOf(String name) throws SQLException {
        Long known = offsets.get(name);
        if (known != null) {
            return known;
        }
        try (Connection c = db.pool().getConnection()) {
            long offset = Checkpoints.of(c, name);
            offsets.put(name, offset);
            backlog.checkpointKnown(name, offset);
            return offset;
        }
    }

    /** Stops after the current chunk (one transaction), waiting at most the timeout for it. */
    @Override
    public void stop(Duration timeout) {
        loop.stop(timeout);
    }
}
