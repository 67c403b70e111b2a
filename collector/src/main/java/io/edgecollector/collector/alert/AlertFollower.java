package io.edgecollector.collector.alert;

import io.edgecollector.collector.lifecycle.Backoff;
import io.edgecollector.collector.lifecycle.Loop;
import io.edgecollector.collector.lifecycle.RateLimitedLog;
import io.edgecollector.collector.metrics.Metrics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the alert log for one output on a thread of its own (collector-alerts-&lt;name&gt;), so a
 * slow or failing output never holds up intake, loading or the other outputs: delivers from the
 * output's checkpoint, and while delivery fails retries with capped backoff (0.2 s doubling up
 * to 30 s), logging at most every 30 s.
 */
public final class AlertFollower implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertFollower.class);
    private static final int MAX_EVENTS = 500;
    private static final long MAX_BACKOFF_MS = 30_000;

    private final Path dir;
    private final String instanceId;
    private final AlertSink sink;
    private final Metrics metrics;
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final Map<String, Long> offsets = new HashMap<>();
    private final Loop loop;

    public AlertFollower(Path dir, String instanceId, AlertSink sink, Metrics metrics) {
        this.dir = dir;
        this.instanceId = instanceId;
        this.sink = sink;
        this.metrics = metrics;
        this.loop = new Loop("collector-alerts-" + sink.name(), this::deliver);
    }

    public void start() {
        loop.start();
    }

    /** New events are in the log. */
    public void wake() {
        loop.wake();
    }

    private void deliver() {
        Backoff backoff = new Backoff(Duration.ofMillis(200), Duration.ofMillis(MAX_BACKOFF_MS));
        while (loop.running()) {
            try {
                boolean progress = deliverAvailable();
                backoff.reset();
                if (!progress) {
                    loop.awaitWork(1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                metrics.alertDeliveryFailed(sink.name());
                long delay = backoff.next();
                failures.error("event=alert_delivery_failed output={} cause=\"{}\" retry_in={}ms; events wait in the alert log",
                        sink.name(), e.getMessage(), delay);
                offsets.clear();
                loop.pause(delay);
            }
        }
    }

    private boolean deliverAvailable() throws Exception {
        boolean progress = false;
        for (Path f : AlertLog.files(dir, instanceId)) {
            String name = f.getFileName().toString();
            long offset = offsets.containsKey(name) ? offsets.get(name) : sink.checkpoint(name);
            offsets.put(name, offset);
            List<AlertLog.Located> lines = AlertLog.readAfter(dir, instanceId, new RawPosition(name, offset), MAX_EVENTS);
            List<AlertEvent> events = new ArrayList<>();
            long end = offset;
            for (AlertLog.Located l : lines) {
                if (!l.file().equals(name)) {
                    break;
                }
                events.add(l.entry().event());
                end = l.end();
            }
            if (end > offset && loop.running()) {
                sink.deliver(name, events, end);
                offsets.put(name, end);
                progress = true;
            }
        }
        return progress;
    }

    /** Stops after the current delivery (bounded wait), then closes the output. */
    @Override
    public void close() {
        loop.stop(Duration.ofSeconds(5));
        sink.close();
    }
}
