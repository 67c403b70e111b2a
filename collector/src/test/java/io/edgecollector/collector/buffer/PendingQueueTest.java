package io.edgecollector.collector.buffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class PendingQueueTest {
    @Test
    void full_pushesBack_untilTheWriterDrains() throws Exception {
        PendingQueue queue = new PendingQueue(2);
        assertTrue(queue.offer(BatchWriterTest.pending(1, Pending.Ack.NONE), 0, TimeUnit.SECONDS));
        assertTrue(queue.offer(BatchWriterTest.pending(2, Pending.Ack.NONE), 0, TimeUnit.SECONDS));
        assertFalse(queue.offer(BatchWriterTest.pending(3, Pending.Ack.NONE), 20, TimeUnit.MILLISECONDS),
                "a full queue refuses after the timeout");
        List<Pending> batch = new ArrayList<>();
        queue.drainTo(batch, 10);
        assertEquals(List.of("t/1", "t/2"), batch.stream().map(p -> topic(p)).toList(), "oldest first");
        assertTrue(queue.offer(BatchWriterTest.pending(3, Pending.Ack.NONE), 0, TimeUnit.SECONDS));
    }

    @Test
    void awaitAtLeast_returnsOnceEnoughArrive_orWhenTheWaitEnds() throws Exception {
        PendingQueue queue = new PendingQueue(100);
        assertEquals(0, queue.awaitAtLeast(1, TimeUnit.MILLISECONDS.toNanos(20)), "nothing came");
        Thread producer = new Thread(() -> {
            try {
                for (int i = 0; i < 5; i++) {
                    queue.offer(BatchWriterTest.pending(i, Pending.Ack.NONE), 1, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        long start = System.nanoTime();
        producer.start();
        int queued = queue.awaitAtLeast(5, TimeUnit.SECONDS.toNanos(30));
        producer.join();
        assertEquals(5, queued);
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(20), "woken by the fifth message, not the timeout");
    }

    private static String topic(Pending p) {
        String line = new String(p.line().bytes(), java.nio.charset.StandardCharsets.UTF_8);
        int at = line.indexOf("\"topic\":\"") + 9;
        return line.substring(at, line.indexOf('"', at));
    }

    @Test
    void aRequestsLines_goInTogether_orNotAtAll_andOneBatchTakesThemAll() throws Exception {
        PendingQueue queue = new PendingQueue(4);
        Pending.Request first = cause -> { };
        Pending.Request second = cause -> { };
        assertTrue(queue.offer(BatchWriterTest.pending(1, Pending.Ack.NONE), 0, TimeUnit.SECONDS));
        assertTrue(queue.offerAll(List.of(BatchWriterTest.request(2, Pending.Ack.NONE, first),
                BatchWriterTest.request(3, Pending.Ack.NONE, first)), 0, TimeUnit.SECONDS));
        assertFalse(queue.offerAll(List.of(BatchWriterTest.request(4, Pending.Ack.NONE, second),
                BatchWriterTest.request(5, Pending.Ack.NONE, second)), 20, TimeUnit.MILLISECONDS),
                "no room for both: neither goes in");
        assertFalse(queue.offerAll(List.of(BatchWriterTest.request(6, Pending.Ack.NONE, second),
                BatchWriterTest.request(7, Pending.Ack.NONE, second), BatchWriterTest.request(8, Pending.Ack.NONE, second),
                BatchWriterTest.request(9, Pending.Ack.NONE, second), BatchWriterTest.request(10, Pending.Ack.NONE, second)),
                0, TimeUnit.SECONDS), "more than the queue holds never fits");
        assertEquals(3, queue.awaitAtLeast(1000, TimeUnit.SECONDS.toNanos(30)), "a waiting sender's lines end the wait at once");
        List<Pending> batch = new ArrayList<>();
        queue.drainTo(batch, 2);
        assertEquals(List.of("t/1", "t/2", "t/3"), batch.stream().map(p -> topic(p)).toList(),
                "the batch grows past its size rather than split a request");
        assertTrue(queue.isEmpty());
        assertEquals(0, queue.awaitAtLeast(1, TimeUnit.MILLISECONDS.toNanos(20)));
    }
}
