package io.edgecollector.collector.buffer;

import io.edgecollector.collector.lifecycle.Backoff;
import io.edgecollector.collector.lifecycle.Component;
import io.edgecollector.collector.lifecycle.RateLimitedLog;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLog;
import io.edgecollector.collector.rawlog.Written;
import io.edgecollector.collector.parse.Processed;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buffers messages by count and time, appends each batch to the raw log, forces it to disk,
 * and only then acknowledges the batch's messages. A failed append (disk full, I/O error) holds
 * the batch unacknowledged and retries with capped backoff, saying so at most every 30 s; the
 * bounded queue then pushes back on the MQTT client, which stops the broker's flow.
 */
public final class BatchWriter implements Component, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BatchWriter.class);
    /** A full disk is waited out this long at most at stop; its batch then stays unacknowledged. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    /** Told after every durable batch, with what was written where. */
    public interface FlushListener {
        void flushed(List<Written> written);

        /** One listener that tells each follower of the raw log in turn (each holds its own hand-over). */
        static FlushListener all(List<FlushListener> followers) {
            List<FlushListener> copy = List.copyOf(followers);
            return written -> copy.forEach(f -> f.flushed(written));
        }
    }

    private final RawLog rawLog;
    private final int batchSize;
    private final long flushNanos;
    private final Metrics metrics;
    private final FlushListener listener;
    private final PendingQueue queue;
    private final Thread thread;
    private volatile boolean running = true;
    /** Why the raw log refused the last batch, while it does (null once a batch is written again). */
    private volatile String refusing;
    private volatile boolean closed;
    /** Sends what the batch's acknowledgements queued (MQTT PUBACKs, in one write). */
    private volatile Runnable sendAcks = () -> { };
    private final RateLimitedLog failures = new RateLimitedLog(LOG, Duration.ofSeconds(30));
    private final RateLimitedLog refusals = new RateLimitedLog(LOG, Duration.ofSeconds(30));

    public BatchWriter(RawLog rawLog, int batchSize, Duration flushInterval, Metrics metrics, FlushListener listener) {
        this.rawLog = rawLog;
        this.batchSize = batchSize;
        this.flushNanos = flushInterval.toNanos();
        this.metrics = metrics;
        this.listener = listener;
        this.queue = new PendingQueue(Math.max(2 * batchSize, 64));
        this.thread = new Thread(this::loop, "collector-writer");
    }

    /**
     * Called after the acknowledgements of each batch: a source that queues acknowledgements
     * ({@link Pending.Ack#ack} returning at once) sends them together here. Set before start.
     */
    public void afterAcknowledging(Runnable sendAcks) {
        this.sendAcks = sendAcks;
    }

    /** Whether its thread runs (false before start and after close, or if it died). */
    public boolean isAlive() {
        return thread.isAlive();
    }

    @Override
    public String name() {
        return "writer";
    }

    @Override
    public void start() {
        thread.start();
    }

    /**
     * Hands a message over; blocks while the buffer is full. Returns false when the writer is
     * closing: the message then stays unacknowledged and the broker delivers it again.
     */
    public boolean submit(Pending p) throws InterruptedException {
        while (!closed) {
            if (queue.offer(p, 100, TimeUnit.MILLISECONDS)) {
                return true;
            }
        }
        return false;
    }

    /** What became of the messages of a waiting sender (see {@link #offer}). */
    public enum Offer {
        /** queued: each will be acknowledged once durable, or the request told it was refused */
        TAKEN,
        /** the queue had no room for them within the wait (back-pressure: ask the sender to retry) */
        FULL,
        /** the raw log refuses writes now (disk full, I/O error): nothing was queued */
        REFUSING,
        /** the writer is stopping */
        CLOSED
    }

    /**
     * Hands over the messages of one waiting sender (an HTTP request, all with the same
     * {@link Pending.Request}) together, waiting at most maxWait for room: never an unbounded
     * queue. They are flushed as soon as the writer is free (no flush interval).
     */
    public Offer offer(List<Pending> messages, Duration maxWait) throws InterruptedException {
        if (closed || !running) {
            return Offer.CLOSED;
        }
        if (refusing != null) {
            return Offer.REFUSING;
        }
        return queue.offerAll(messages, maxWait.toNanos(), TimeUnit.NANOSECONDS) ? Offer.TAKEN : Offer.FULL;
    }

    /** The most messages one {@link #offer} can hand over (the queue's capacity). */
    public int maxOffer() {
        return queue.capacity();
    }

    /** Why the raw log refuses writes now, or null while it takes them. */
    public String refusing() {
        return refusing;
    }

    private void loop() {
        List<Pending> batch = new ArrayList<>(batchSize);
        while (running || !queue.isEmpty()) {
            try {
                if (queue.awaitAtLeast(1, TimeUnit.MILLISECONDS.toNanos(100)) == 0) {
                    continue;
                }
                if (running) {
                    long deadline = queue.oldestEnqueuedNanos() + flushNanos;
                    queue.awaitAtLeast(batchSize, deadline - System.nanoTime());
                }
                queue.drainTo(batch, batchSize);
                flush(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.error("event=writer_error messages={} cause=\"{}\"; they stay unacknowledged", batch.size(), e.toString(), e);
            } finally {
                batch.clear();
            }
        }
    }

    private void flush(List<Pending> batch) throws InterruptedException {
        long start = System.nanoTime();
        List<RawLine> lines = new ArrayList<>(batch.size());
        List<Processed> processed = new ArrayList<>(batch.size());
        for (Pending p : batch) {
            lines.add(p.line());
            processed.add(p.processed());
        }
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(5));
        List<RawLog.Run> runs;
        while (true) {
            try {
                runs = rawLog.append(lines);
                refusing = null;
                break;
            } catch (IOException | RuntimeException e) {
                metrics.rawWriteFailed();
                refusing = e.getMessage() == null ? e.toString() : e.getMessage();
                if (dropRequests(batch, lines, processed, refusing)) {
                    if (batch.isEmpty()) {
                        // nothing left to retry: the next request tries the disk again
                        refusing = null;
                        return;
                    }
                }
                failures.error("event=raw_write_failed messages_held={} cause=\"{}\"; not acknowledging, retrying",
                        batch.size(), e.getMessage());
                if (closed) {
                    LOG.warn("event=writer_gave_up messages={}: not acknowledged, the broker keeps them", batch.size());
                    return;
                }
                Thread.sleep(backoff.next());
            }
        }
        for (Pending p : batch) {
            try {
                p.ack().ack();
            } catch (RuntimeException e) {
                LOG.warn("event=ack_failed cause=\"{}\"; the broker will deliver the message again", e.toString());
            }
        }
        try {
            sendAcks.run();
        } catch (RuntimeException e) {
            LOG.warn("event=ack_failed cause=\"{}\"; the broker will deliver the batch again", e.toString());
        }
        metrics.batchFlushed(batch.size(), System.nanoTime() - start);
        List<Written> written = new ArrayList<>(runs.size());
        for (RawLog.Run run : runs) {
            written.add(Written.of(run, lines, processed));
        }
        listener.flushed(written);
    }

    /**
     * Takes the lines of waiting senders out of a refused batch and tells each request so: they
     * answer at once that nothing was accepted, and a later retry of the rest cannot store them.
     * Returns whether any was taken out.
     */
    private boolean dropRequests(List<Pending> batch, List<RawLine> lines, List<Processed> processed, String cause) {
        boolean any = false;
        java.util.Set<Pending.Request> told = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        for (int i = batch.size() - 1; i >= 0; i--) {
            Pending.Request r = batch.get(i).request();
            if (r != null) {
                batch.remove(i);
                lines.remove(i);
                processed.remove(i);
                any = true;
                if (told.add(r)) {
                    try {
                        r.refused(cause);
                    } catch (RuntimeException e) {
                        LOG.warn("event=refusal_not_told cause=\"{}\"", e.toString());
                    }
                }
            }
        }
        if (any) {
            refusals.error("event=raw_write_refused requests={} cause=\"{}\"; answered 503, nothing of them stored",
                    told.size(), cause);
        }
        return any;
    }

    /** Flushes what is buffered and stops; waits at most the flush interval plus 5 s (a full disk). */
    @Override
    public void close() {
        stop(Duration.ofNanos(flushNanos).plus(STOP_GRACE));
    }

    /** Flushes what is buffered and stops within about the timeout; what is left stays unacknowledged. */
    @Override
    public void stop(Duration timeout) {
        if (!running && closed) {
            return;
        }
        running = false;
        try {
            thread.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closed = true;
        if (thread.isAlive()) {
            thread.interrupt();
        }
    }
}
