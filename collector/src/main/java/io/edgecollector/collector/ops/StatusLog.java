package io.edgecollector.collector.ops;

import io.edgecollector.collector.CollectorStatus;
import io.edgecollector.collector.lifecycle.Component;
import io.edgecollector.collector.metrics.CollectorMetrics;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one status line every status_interval: what came in and went out since the last line
 * (as rates), the backlog, the connections and the error counts, so `journalctl -f` or a log
 * tail shows at a glance whether the collector keeps up.
 */
public final class StatusLog implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(StatusLog.class);

    private final CollectorMetrics metrics;
    private final CollectorStatus status;
    private final ScheduledExecutorService timer;
    private final Duration interval;
    private long lastNanos = System.nanoTime();
    private long lastReceived;
    private long lastAcked;
    private long lastLoaded;

    public StatusLog(Duration interval, CollectorMetrics metrics, CollectorStatus status) {
        this.interval = interval;
        this.metrics = metrics;
        this.status = status;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "collector-status");
            t.setDaemon(true);
            return t;
        });
    }

    @Override
    public String name() {
        return "status-log";
    }

    /** Starts logging every interval; a zero interval logs nothing. */
    @Override
    public void start() {
        if (!interval.isZero()) {
            long ms = interval.toMillis();
            timer.scheduleAtFixedRate(this::logLine, ms, ms, TimeUnit.MILLISECONDS);
        }
    }

    /** The status line as logged; each call covers the time since the previous one. */
    synchronized String line() {
        long now = System.nanoTime();
        double seconds = Math.max(1e-9, (now - lastNanos) / 1e9);
        long received = metrics.received();
        long acked = metrics.acked();
        long loaded = metrics.linesLoaded();
        String line = String.format(Locale.ROOT,
                "event=status received_per_s=%.1f acked_per_s=%.1f loaded_per_s=%.1f received=%d rejected=%d"
                        + " backlog_messages=%d backlog_bytes=%d broker=%s database=%s reconnects=%d load_errors=%d"
                        + " raw_write_failures=%d",
                (received - lastReceived) / seconds, (acked - lastAcked) / seconds, (loaded - lastLoaded) / seconds,
                received, metrics.rejectedMessages(), status.backlogMessages(), status.backlogBytes(),
                status.isSubscribed() ? "subscribed" : "disconnected",
                status.isDatabaseReady() ? "ready" : "unavailable",
                metrics.reconnects(), metrics.loadFailures(), metrics.rawWriteFailures());
        lastNanos = now;
        lastReceived = received;
        lastAcked = acked;
        lastLoaded = loaded;
        return line;
    }

    private void logLine() {
        try {
            LOG.info(line());
        } catch (RuntimeException e) {
            LOG.warn("event=status_failed cause=\"{}\"", e.toString());
        }
    }

    @Override
    public void stop(Duration timeout) {
        timer.shutdownNow();
    }
}
