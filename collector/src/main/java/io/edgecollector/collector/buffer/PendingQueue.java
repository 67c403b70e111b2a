package io.edgecollector.collector.buffer;

import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The bounded hand-over from the MQTT callback thread to the writer. Unlike a blocking queue,
 * which wakes its consumer for every element, it wakes the writer only when the writer can act:
 * the first message of a batch has arrived, or a whole batch is waiting. Waking a thread costs
 * a system call on each side; once per message it took about a sixth of the callback thread.
 */
final class PendingQueue {
    private final ReentrantLock lock = new ReentrantLock();
    /** The writer waits here for {@link #wanted} messages. */
    private final Condition enough = lock.newCondition();
    /** Producers wait here while the queue is full. */
    private final Condition space = lock.newCondition();
    private final ArrayDeque<Pending> items;
    private final int capacity;
    private int wanted = Integer.MAX_VALUE;
    /** Queued messages whose sender waits for the answer: the writer flushes them without waiting. */
    private int urgent;

    PendingQueue(int capacity) {
        this.capacity = capacity;
        this.items = new ArrayDeque<>(capacity);
    }

    /** Adds a message, waiting up to the timeout while the queue is full; false if it stayed full. */
    boolean offer(Pending p, long timeout, TimeUnit unit) throws InterruptedException {
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (items.size() >= capacity) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = space.awaitNanos(nanos);
            }
            items.addLast(p);
            if (items.size() >= wanted) {
                wanted = Integer.MAX_VALUE;
                enough.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds the messages of one waiting sender together (they stay next to each other, so one batch
     * takes them all), waiting up to the timeout for room for all of them; false if there was none.
     * The writer is woken at once: such messages do not wait for the flush interval.
     */
    boolean offerAll(List<Pending> ps, long timeout, TimeUnit unit) throws InterruptedException {
        if (ps.size() > capacity) {
            return false;
        }
        long nanos = unit.toNanos(timeout);
        lock.lockInterruptibly();
        try {
            while (items.size() + ps.size() > capacity) {
                if (nanos <= 0) {
                    return false;
                }
                nanos = space.awaitNanos(nanos);
            }
            items.addAll(ps);
            urgent += ps.size();
            if (wanted != Integer.MAX_VALUE) {
                wanted = Integer.MAX_VALUE;
                enough.signal();
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    int capacity() {
        return capacity;
    }

    /**
     * Waits until at least count messages are queued, a waiting sender's message is, or nanos have
     * passed; returns how many are queued.
     */
    int awaitAtLeast(int count, long nanos) throws InterruptedException {
        lock.lockInterruptibly();
        try {
            long left = nanos;
            while (items.size() < count && urgent == 0 && left > 0) {
                wanted = count;
                left = enough.awaitNanos(left);
            }
            wanted = Integer.MAX_VALUE;
            return items.size();
        } finally {
            lock.unlock();
        }
    }

    /** When the oldest queued message was enqueued (call only when not empty). */
    long oldestEnqueuedNanos() {
        lock.lock();
        try {
            return items.getFirst().enqueuedNanos();
        } finally {
            lock.unlock();
        }
    }

    /** Moves up to max messages, oldest first, into the batch; never splits the messages of one request. */
    void drainTo(List<Pending> batch, int max) {
        lock.lock();
        try {
            for (int i = 0; i < max && !items.isEmpty(); i++) {
                take(batch);
            }
            while (!batch.isEmpty() && !items.isEmpty() && batch.get(batch.size() - 1).request() != null
                    && items.peekFirst().request() == batch.get(batch.size() - 1).request()) {
                take(batch);
            }
            space.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void take(List<Pending> batch) {
        Pending p = items.pollFirst();
        if (p.request() != null) {
            urgent--;
        }
        batch.add(p);
    }

    boolean isEmpty() {
        lock.lock();
        try {
            return items.isEmpty();
        } finally {
            lock.unlock();
        }
    }
}
