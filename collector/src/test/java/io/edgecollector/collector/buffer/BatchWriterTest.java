package io.edgecollector.collector.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.rawlog.RawLog;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BatchWriterTest {
    /** An acknowledgement that goes out and is counted. */
    static Pending.Ack counting(AtomicInteger acked) {
        return () -> {
            acked.incrementAndGet();
            return true;
        };
    }

    static Pending pending(int i, Pending.Ack ack) {
        return new Pending(RawLineCodec.encode(Instant.parse("2026-11-22T10:00:00Z"), "t/" + i, 1,
                Integer.toString(i).getBytes(StandardCharsets.UTF_8), true, null), null, ack, System.nanoTime());
    }

    static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), "condition not met within 10 s");
    }

    @Test
    void flush_byTime_writesThenAcks(@TempDir Path dir) throws Exception {
        AtomicInteger acked = new AtomicInteger();
        CollectorMetrics metrics = new CollectorMetrics();
        try (RawLog log = new RawLog(dir, "");
             BatchWriter writer = new BatchWriter(log, 1000, Duration.ofMillis(50), metrics, written -> { })) {
            writer.start();
            for (int i = 0; i < 3; i++) {
                writer.submit(pending(i, counting(acked)));
            }
            await(() -> acked.get() == 3);
        }
        assertEquals(3, Files.readAllLines(dir.resolve("raw_20261122.jsonl")).size());
        assertEquals(1, metrics.batches(), "three messages inside one flush interval make one batch");
    }

    @Test
    void flush_byCount_makesBatchesOfBatchSize(@TempDir Path dir) throws Exception {
        CollectorMetrics metrics = new CollectorMetrics();
        try (RawLog log = new RawLog(dir, "");
             BatchWriter writer = new BatchWriter(log, 10, Duration.ofSeconds(30), metrics, written -> { })) {
            writer.start();
            for (int i = 0; i < 30; i++) {
                writer.submit(pending(i, Pending.Ack.NONE));
            }
            await(() -> metrics.acked() == 30);
        }
        assertEquals(3, metrics.batches());
    }

    @Test
    void failedAppend_acksNothing_untilTheDiskAcceptsTheLines(@TempDir Path dir) throws Exception {
        Path blocked = dir.resolve("raw");
        Files.writeString(blocked, "a file where the directory should be");
        AtomicInteger acked = new AtomicInteger();
        CollectorMetrics metrics = new CollectorMetrics();
        try (RawLog log = new RawLog(blocked, "");
             BatchWriter writer = new BatchWriter(log, 100, Duration.ofMillis(10), metrics, written -> { })) {
            writer.start();
            writer.submit(pending(1, counting(acked)));
            writer.submit(pending(2, counting(acked)));
            await(() -> metrics.rawWriteFailures() >= 2);
            assertEquals(0, acked.get(), "nothing is acknowledged while the raw log cannot be written");
            Files.delete(blocked);
            await(() -> acked.get() == 2);
        }
        assertEquals(2, Files.readAllLines(blocked.resolve("raw_20261122.jsonl")).size());
    }

    static Pending request(int i, Pending.Ack ack, Pending.Request request) {
        Pending p = pending(i, ack);
        return new Pending(p.line(), null, ack, p.enqueuedNanos(), request);
    }

    @Test
    void aWaitingSendersLines_areFlushedAtOnce_notAfterTheFlushInterval(@TempDir Path dir) throws Exception {
        AtomicInteger acked = new AtomicInteger();
        CollectorMetrics metrics = new CollectorMetrics();
        Pending.Request request = cause -> { };
        try (RawLog log = new RawLog(dir, "");
             BatchWriter writer = new BatchWriter(log, 1000, Duration.ofSeconds(30), metrics, written -> { })) {
            writer.start();
            long start = System.nanoTime();
            assertEquals(BatchWriter.Offer.TAKEN, writer.offer(java.util.List.of(request(1, counting(acked), request),
                    request(2, counting(acked), request)), Duration.ofMillis(10)));
            await(() -> acked.get() == 2);
            assertTrue(System.nanoTime() - start < Duration.ofSeconds(5).toNanos(), "not held for the 30 s flush interval");
        }
        assertEquals(1, metrics.batches(), "a request's lines go in one batch");
    }

    @Test
    void refusedAppend_takesTheWaitingSendersOut_andRetriesOnlyTheRest(@TempDir Path dir) throws Exception {
        Path blocked = dir.resolve("raw");
        Files.writeString(blocked, "a file where the directory should be");
        AtomicInteger acked = new AtomicInteger();
        AtomicInteger refusals = new AtomicInteger();
        java.util.concurrent.atomic.AtomicReference<String> cause = new java.util.concurrent.atomic.AtomicReference<>();
        Pending.Request request = why -> {
            refusals.incrementAndGet();
            cause.set(why);
        };
        CollectorMetrics metrics = new CollectorMetrics();
        try (RawLog log = new RawLog(blocked, "");
             BatchWriter writer = new BatchWriter(log, 100, Duration.ofMillis(200), metrics, written -> { })) {
            writer.submit(pending(1, counting(acked))); // an MQTT message, queued first
            assertEquals(BatchWriter.Offer.TAKEN, writer.offer(java.util.List.of(request(2, counting(acked), request),
                    request(3, counting(acked), request)), Duration.ofMillis(10)));
            writer.start();
            await(() -> refusals.get() == 1);
            assertTrue(cause.get().contains("raw"), cause.get());
            await(() -> writer.refusing() != null);
            assertEquals(BatchWriter.Offer.REFUSING, writer.offer(java.util.List.of(request(4, counting(acked), request)),
                    Duration.ofMillis(10)), "refused at once while the disk refuses");
            Files.delete(blocked);
            await(() -> acked.get() == 1);
            await(() -> writer.refusing() == null);
        }
        assertEquals(1, refusals.get(), "told once per request");
        assertEquals(java.util.List.of("1"), Files.readAllLines(blocked.resolve("raw_20261122.jsonl")).stream()
                .map(l -> l.replaceAll(".*\"payload\":(\\d+).*", "$1")).toList(), "only the MQTT message was retried");
    }

    @Test
    void fullQueue_refusesAWaitingSenderAfterABoundedWait_neverQueuesWithoutBound(@TempDir Path dir) throws Exception {
        CollectorMetrics metrics = new CollectorMetrics();
        Pending.Request request = cause -> { };
        try (RawLog log = new RawLog(dir, "");
             BatchWriter writer = new BatchWriter(log, 10, Duration.ofMillis(50), metrics, written -> { })) {
            for (int i = 0; i < writer.maxOffer(); i++) { // not started: nothing drains
                writer.submit(pending(i, Pending.Ack.NONE));
            }
            long start = System.nanoTime();
            assertEquals(BatchWriter.Offer.FULL, writer.offer(java.util.List.of(request(1, Pending.Ack.NONE, request)),
                    Duration.ofMillis(50)));
            long waited = System.nanoTime() - start;
            assertTrue(waited >= Duration.ofMillis(40).toNanos() && waited < Duration.ofSeconds(5).toNanos(),
                    "waited " + waited / 1_000_000 + " ms");
            writer.start();
            await(() -> metrics.acked() == writer.maxOffer());
            assertEquals(BatchWriter.Offer.TAKEN, writer.offer(java.util.List.of(request(1, Pending.Ack.NONE, request)),
                    Duration.ofMillis(50)));
        }
    }
}
