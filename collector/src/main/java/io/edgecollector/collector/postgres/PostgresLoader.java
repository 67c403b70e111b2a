package io.edgecollector.collector.postgres;

import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.rawlog.Written;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.SensorRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daemon's loader thread: follows this instance's raw files and loads them into
 * PostgreSQL from their checkpoints. The raw log is the write-ahead log, so when the database
 * is away nothing waits in memory: the loader retries with capped backoff and catches up from
 * the files when the database returns.
 */
public final class PostgresLoader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PostgresLoader.class);
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(30);
    private static final long MAX_BACKOFF_MS = 30_000;

    private final Database db;
    private volatile SensorRegistry registry;
    private final Path rawDir;
    private final String instanceId;
    private final Metrics metrics;
    private final RawFileLoader files;
    private final FreshLines fresh = new FreshLines();
    private final Map<String, Long> offsets = new HashMap<>();
    private final Semaphore wake = new Semaphore(0);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;
    private volatile boolean ready;
    private final Backlog backlog = new Backlog();
    private long lastReport;
    private long partitionsCheckedAt;

    public PostgresLoader(Database db, SensorRegistry registry, MessageProcessor processor, Path rawDir,
                          String instanceId, Metrics metrics) {
        this.db = db;
        this.registry = registry;
        this.rawDir = rawDir;
        this.instanceId = instanceId;
        this.metrics = metrics;
        this.files = new RawFileLoader(db.pool(), processor, fresh);
        this.thread = new Thread(this::loop, "collector-loader");
    }

    /**
     * Creates and migrates the database and syncs the registry, once.
     * @throws SchemaTooNewException when the schema is newer than this collector knows
     * @throws SQLException when the database cannot be reached or prepared
     */
    public void prepare() throws SQLException {
        db.createIfMissing();
        String version = db.migrate();
        SensorSync.sync(db.pool(), registry);
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

    /** Whether its thread runs (false before start and after close, or if it died). */
    public boolean isAlive() {
        return thread.isAlive();
    }

    public void start() {
        thread.start();
    }

    /** Called after each durable raw batch: there is something new to load, held here until loaded. */
    public void written(List<Written> written) {
        for (Written w : written) {
            fresh.add(w);
        }
        wake.release();
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

    private void loop() {
        long backoffMs = 500;
        while (running) {
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
                backoffMs = 500;
                if (!progress) {
                    wake.tryAcquire(1, TimeUnit.SECONDS);
                    wake.drainPermits();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (SchemaTooNewException e) {
                ready = false;
                report("event=load_stopped cause=\"" + e.getMessage() + "\"; raw files keep everything");
                backoffMs = MAX_BACKOFF_MS;
                sleep(backoffMs);
            } catch (SQLException | IOException | RuntimeException e) {
                if (!(e instanceof SQLException sql) || Sql.isConnectionError(sql)) {
                    ready = false;
                }
                metrics.loadFailed();
                report("event=load_failed cause=\"" + e.getMessage() + "\" retry_in=" + backoffMs
                        + "ms backlog_bytes=" + backlog.bytes() + "; raw files keep everything");
                sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
            }
        }
    }

    private boolean loadAll() throws SQLException, IOException {
        boolean progress = false;
        for (Path file : RawFiles.list(rawDir, instanceId)) {
            String name = file.getFileName().toString();
            long offset = offsetOf(name);
            if (Files.size(file) > offset && running) {
                long start = System.nanoTime();
                RawFileLoader.Result r = files.load(file, offset, () -> !running);
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
            long offset = CopyLoader.checkpoint(c, name);
            offsets.put(name, offset);
            backlog.checkpointKnown(name, offset);
            return offset;
        }
    }

    private void report(String line) {
        long now = System.nanoTime();
        if (lastReport == 0 || now - lastReport >= REPORT_EVERY_NANOS) {
            lastReport = now;
            LOG.error(line);
        }
    }

    /** Backs off; only close() cuts it short (new raw lines do not, or an outage would retry at flush rate). */
    private void sleep(long ms) {
        try {
            stopped.await(ms, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops after the current chunk (bounded: one transaction). */
    @Override
    public void close() {
        running = false;
        stopped.countDown();
        wake.release();
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
