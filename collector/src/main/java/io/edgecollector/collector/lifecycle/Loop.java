package io.edgecollector.collector.lifecycle;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The thread of a component that works when woken, backs off after a failure and ends when
 * asked: the PostgreSQL loader, the Kafka forwarder and the alert engine and its outputs share
 * it instead of each keeping its own flag, semaphore, latch and join.
 */
public final class Loop {
    private final Semaphore wake = new Semaphore(0);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;
    private volatile boolean running = true;

    /** A daemon thread: stopping is explicit ({@link #stop}), never left to the JVM's exit. */
    public Loop(String threadName, Runnable body) {
        this.thread = new Thread(body, threadName);
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    /** False once stop() or end() was called: the body should return. */
    public boolean running() {
        return running;
    }

    /** Whether the thread runs (false before start, after the body returned, or if it died). */
    public boolean isAlive() {
        return thread.isAlive();
    }

    /** There is new work: cuts an {@link #awaitWork} short. */
    public void wake() {
        wake.release();
    }

    /** Waits for {@link #wake()} (or stop) at most the timeout, then forgets further wakes. */
    public void awaitWork(long timeout, TimeUnit unit) throws InterruptedException {
        wake.tryAcquire(timeout, unit);
        wake.drainPermits();
    }

    /**
     * Backs off; only stop() cuts it short (new work does not, or an outage would be retried at
     * the rate work arrives). An interrupt ends the loop.
     */
    public void pause(long millis) {
        try {
            stopped.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    /** Ends the loop from inside (a fatal failure): the body returns at its next check. */
    public void end() {
        running = false;
    }

    /** Asks the loop to end, then waits at most the timeout for its thread. */
    public void stop(Duration timeout) {
        running = false;
        stopped.countDown();
        wake.release();
        if (thread.isAlive() && Thread.currentThread() != thread) {
            try {
                thread.join(Math.max(1, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
