package io.edgecollector.collector.alert;

import io.edgecollector.collector.lifecycle.Backoff;
import io.edgecollector.collector.config.AlertRule;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.rawlog.HandedLines;
import io.edgecollector.collector.rawlog.LineSource;
import io.edgecollector.collector.rawlog.RawChunk;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.rawlog.Written;
import io.edgecollector.collector.validate.MessageProcessor;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alert thread: a follower of what the writer made durable. It judges each new reading
 * (per sensor, in raw-log order) with the {@link AlertEvaluator}, appends and fsyncs the
 * transitions to the {@link AlertLog}, then wakes the outputs. Every few seconds it saves an
 * {@link AlertSnapshot}; after a crash it starts from the snapshot and judges the raw lines after
 * it again: what the alert log already holds is applied, not logged twice, and what it lacks
 * (decided but not yet logged when the process died) is logged now.
 */
public final class AlertEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertEngine.class);
    private static final int CHUNK_LINES = 5_000;
    private static final int CHUNK_BYTES = 4 * 1024 * 1024;
    /** Silence is judged this often: silent_for is given in seconds or more. */
    private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(250);
    private static final long SNAPSHOT_NANOS = TimeUnit.SECONDS.toNanos(5);

    private record Reload(List<AlertRule> rules, Collection<String> registered) {
    }

    private final Path rawDir;
    private final String instanceId;
    private final Clock clock;
    private final Metrics metrics;
    private final AlertLog log;
    private final Path snapshotFile;
    private final HandedLines handed = new HandedLines();
    private final LineSource lines;
    private final Map<String, Long> durable = new ConcurrentHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final Semaphore wake = new Semaphore(0);
    private final Thread thread;
    private volatile List<AlertRule> rules;
    private volatile Collection<String> registered;
    private volatile Reload reload;
    private volatile boolean running = true;
    private volatile AlertEvaluator evaluator;
    private RawPosition position;
    private long lastTick;
    private long lastSnapshot;
    private boolean changed;
    /** Events decided but not in the alert log (it refused them while closing): no snapshot may cover them. */
    private boolean unlogged;
    /** The first start's snapshot, when the raw directory refused it at construction. */
    private AlertSnapshot pendingFirst;

    public AlertEngine(Path rawDir, String instanceId, List<AlertRule> rules, Collection<String> registered,
                       MessageProcessor processor, Clock clock, Metrics metrics) throws IOException {
        this.rawDir = rawDir;
        this.instanceId = instanceId;
        this.rules = List.copyOf(rules);
        this.registered = List.copyOf(registered);
        this.lines = new LineSource(handed, processor);
        this.clock = clock;
        this.metrics = metrics;
        this.log = new AlertLog(rawDir, instanceId);
        this.snapshotFile = AlertSnapshot.file(rawDir, instanceId);
        RawPosition rawEnd = RawPosition.START;
        for (Path f : RawFiles.list(rawDir, instanceId)) {
            long end = RawFiles.wholeLinesEnd(f);
            durable.put(f.getFileName().toString(), end);
            rawEnd = new RawPosition(f.getFileName().toString(), end);
        }
        this.evaluator = new AlertEvaluator(rules, registered, clock.instant());
        if (AlertSnapshot.read(snapshotFile) == null) {
            // first start with alerting: rules judge what arrives from now on, not the history
            AlertSnapshot first = new AlertSnapshot(EvaluatorState.write(evaluator), rawEnd, log.end());
            try {
                java.nio.file.Files.createDirectories(rawDir);
                first.write(snapshotFile);
            } catch (IOException e) {
                // the raw directory refuses files now (intake waits and retries the same way): alerting
                // starts when it takes them; the daemon must not refuse to start for it
                pendingFirst = first;
                LOG.warn("event=alerts_state_deferred dir={} cause=\"{}\"; alerts start once the raw directory takes files",
                        rawDir, e.toString());
            }
        }
        this.thread = new Thread(this::run, "collector-alerts");
    }

    public void start() {
        thread.start();
    }

    /** Told after each event batch is durable in the alert log (the outputs wake up). */
    public void addListener(Runnable listener) {
        listeners.add(listener);
    }

    /** The writer's after-flush callback: these lines are durable. */
    public void written(List<Written> written) {
        boolean judging = !rules.isEmpty();
        for (Written w : written) {
            if (judging) {
                handed.add(w); // with no rules the lines are not read at all (evaluateAvailable)
            }
            durable.merge(w.file().getFileName().toString(), w.end(), Math::max);
        }
        wake.release();
    }

    /** New rules and registry (SIGHUP), applied by the alert thread between two chunks. */
    public void reload(List<AlertRule> newRules, Collection<String> newRegistered) {
        reload = new Reload(List.copyOf(newRules), List.copyOf(newRegistered));
        wake.release();
    }

    public List<AlertRule> rules() {
        return rules;
    }

    /** What fires now (safe from any thread). */
    public Collection<AlertEvent> active() {
        return evaluator.active();
    }

    /** Firing count per configured rule (0 included), for the gauge. */
    public Map<String, Integer> firingByRule() {
        Map<String, Integer> out = new TreeMap<>();
        rules.forEach(r -> out.put(r.name(), 0));
        evaluator.active().forEach(e -> out.merge(e.rule(), 1, Integer::sum));
        return out;
    }

    private void run() {
        Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
        boolean recovered = false;
        while (running) {
            try {
                if (!recovered) {
                    recover();
                    recovered = true;
                    backoff.reset();
                }
                step();
            } catch (IOException | RuntimeException e) {
                // the state may be ahead of the alert log: start again from the snapshot, as after a crash
                recovered = false;
                long delay = backoff.next();
                LOG.error("event=alerts_failed cause=\"{}\" retry_in={}ms; judging again from the last snapshot",
                        e.toString(), delay);
                sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (recovered && !unlogged) {
            try {
                snapshot();
            } catch (IOException | RuntimeException e) {
                LOG.warn("event=alerts_snapshot_failed cause=\"{}\"; the next start judges more lines again", e.getMessage());
            }
        }
    }

    private void recover() throws IOException {
        if (pendingFirst != null) {
            java.nio.file.Files.createDirectories(rawDir);
            pendingFirst.write(snapshotFile);
            pendingFirst = null;
        }
        AlertSnapshot snap = AlertSnapshot.read(snapshotFile);
        List<AlertEvent> resolved = new ArrayList<>();
        AlertEvaluator restored = EvaluatorState.read(snap.state(), rules, registered, clock.instant(), resolved);
        List<AlertLog.Located> logged = AlertLog.readAfter(rawDir, instanceId, snap.alerts(), Integer.MAX_VALUE);
        ArrayDeque<AlertLog.Entry> forced = new ArrayDeque<>();
        Set<String> already = new HashSet<>();
        for (AlertLog.Located l : logged) {
            forced.add(l.entry());
            already.add(l.entry().event().eventId());
        }
        evaluator = restored;
        position = snap.raw();
        commit(entries(resolved, "reload"), already);
        while (evaluateAvailable(forced, already)) {
            // judge everything durable before going live
        }
        forced.forEach(e -> evaluator.apply(e.event()));
        snapshot();
        LOG.info("event=alerts_ready rules={} firing={} judged_again_from={}:{} events_in_log_after_snapshot={}",
                rules.size(), evaluator.active().size(), snap.raw().file(), snap.raw().offset(), logged.size());
    }

    private void step() throws IOException, InterruptedException {
        Reload r = reload;
        if (r != null) {
            reload = null;
            List<AlertEvent> resolved = new ArrayList<>();
            evaluator.reload(r.rules(), r.registered(), clock.instant(), resolved);
            rules = r.rules();
            registered = r.registered();
            commit(entries(resolved, "reload"), Set.of());
            snapshot();
        }
        boolean progress = evaluateAvailable(null, Set.of());
        long now = System.nanoTime();
        if (now - lastTick >= TICK_NANOS) {
            lastTick = now;
            List<AlertEvent> silent = new ArrayList<>();
            evaluator.tick(clock.instant(), silent);
            commit(entries(silent, "silence"), Set.of());
        }
        if (changed && now - lastSnapshot >= SNAPSHOT_NANOS) {
            snapshot();
        }
        if (!progress) {
            wake.tryAcquire(TICK_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    private List<AlertLog.Entry> entries(List<AlertEvent> events, String cause) {
        List<AlertLog.Entry> out = new ArrayList<>(events.size());
        events.forEach(e -> out.add(new AlertLog.Entry(e, position, cause)));
        return out;
    }

    /** Judges the durable raw lines after the position; forced (recovery only): logged events to apply on the way. */
    private boolean evaluateAvailable(ArrayDeque<AlertLog.Entry> forced, Set<String> already) throws IOException {
        boolean progress = false;
        for (Path f : RawFiles.list(rawDir, instanceId)) {
            String name = f.getFileName().toString();
            if (position.file() != null && name.compareTo(position.file()) < 0) {
                continue;
            }
            long offset = name.equals(position.file()) ? position.offset() : 0;
            long end = durable.getOrDefault(name, 0L);
            if (forced == null && evaluator.rules().isEmpty()) {
                // no rule: no reading can change any state or fire (a series no rule watches is not kept),
                // so the durable lines are passed over unread (it was ~1 us a message for nothing)
                if (offset < end) {
                    position = new RawPosition(name, end);
                    changed = true;
                    progress = true;
                }
                continue;
            }
            while (offset < end && running) {
                LineSource.Lines read = lines.read(f, offset, (int) Math.min(CHUNK_BYTES, end - offset), CHUNK_LINES);
                RawChunk chunk = read.chunk();
                if (chunk.lines().isEmpty()) {
                    break;
                }
                List<AlertLog.Entry> decided = judge(name, read, forced);
                position = new RawPosition(name, chunk.endOffset());
                offset = chunk.endOffset();
                commit(decided, already);
                changed = true;
                progress = true;
            }
        }
        return progress;
    }

    private List<AlertLog.Entry> judge(String name, LineSource.Lines read, ArrayDeque<AlertLog.Entry> forced) {
        RawChunk chunk = read.chunk();
        List<AlertLog.Entry> decided = new ArrayList<>();
        List<AlertEvent> events = new ArrayList<>(2);
        java.time.Instant now = clock.instant();
        for (int i = 0; i < chunk.lines().size(); i++) {
            RawChunk.Line line = chunk.lines().get(i);
            if (forced != null) {
                RawPosition at = new RawPosition(name, line.fileOffset());
                while (!forced.isEmpty() && forced.peekFirst().position().compareTo(at) <= 0) {
                    evaluator.apply(forced.removeFirst().event());
                }
            }
            if (!(read.record(i) instanceof LineSource.Whole whole)) {
                continue;
            }
            for (Reading r : whole.processed().result().readings()) {
                evaluator.evaluate(r, now, events);
            }
            if (!events.isEmpty()) {
                RawPosition after = new RawPosition(name, line.fileOffset() + line.length() + 1);
                events.forEach(e -> decided.add(new AlertLog.Entry(e, after, "reading")));
                events.clear();
            }
        }
        return decided;
    }

    /** Logs the decided events not already in the log (append + fsync, retried until it works), then tells the outputs. */
    private void commit(List<AlertLog.Entry> decided, Set<String> already) throws IOException {
        List<AlertLog.Entry> fresh = decided;
        if (!already.isEmpty()) {
            fresh = decided.stream().filter(e -> !already.contains(e.event().eventId())).toList();
        }
        if (fresh.isEmpty()) {
            return;
        }
        append(fresh);
        changed = true;
        for (AlertLog.Entry e : fresh) {
            metrics.alertEvent(e.event().rule(), e.event().state());
            LOG.info("event=alert_{} rule={} sensor_id=\"{}\" metric={} value={} limit={} reading_ts={}",
                    e.event().state(), e.event().rule(), e.event().sensorId(), e.event().metric(), e.event().value(),
                    e.event().limit(), e.event().readingTs());
        }
        listeners.forEach(Runnable::run);
    }

    private void append(List<AlertLog.Entry> entries) throws IOException {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        while (true) {
            try {
                log.append(entries);
                return;
            } catch (IOException e) {
                log.close();
                if (!running) {
                    unlogged = true;
                    throw e;
                }
                long delay = backoff.next();
                LOG.error("event=alert_log_failed events={} cause=\"{}\" retry_in={}ms", entries.size(), e.getMessage(),
                        delay);
                sleep(delay);
            }
        }
    }

    private void snapshot() throws IOException {
        new AlertSnapshot(EvaluatorState.write(evaluator), position, log.end()).write(snapshotFile);
        lastSnapshot = System.nanoTime();
        changed = false;
    }

    private void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Stops after the current chunk and saves a snapshot (bounded wait). */
    @Override
    public void close() {
        running = false;
        wake.release();
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        log.close();
    }
}
