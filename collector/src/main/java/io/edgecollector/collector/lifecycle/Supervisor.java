package io.edgecollector.collector.lifecycle;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How the daemon ends: a stop asked for (SIGTERM, Ctrl-C, the end of a demo) or a fatal failure
 * of one component (a bug, a database schema this collector refuses). The first of them wins;
 * whoever waits on {@link #await()} then stops the rest.
 */
public final class Supervisor {
    /** A failure that must stop the daemon, with the component that met it. */
    public record Failure(String component, Throwable cause) {
        /** One line for the log and the terminal. */
        public String message() {
            String m = cause.getMessage();
            return component + ": " + (m == null ? cause.getClass().getSimpleName() : m.lines().findFirst().orElse(m));
        }
    }

    private final CountDownLatch ended = new CountDownLatch(1);
    private final AtomicReference<Failure> failure = new AtomicReference<>();
    private final List<Runnable> onEnd = new CopyOnWriteArrayList<>();

    /** Runs the action once, when the end comes (at once if it came already): e.g. stop taking messages. */
    public void onEnd(Runnable action) {
        onEnd.add(action);
        if (isEnding() && onEnd.remove(action)) {
            action.run();
        }
    }

    public void requestStop() {
        end();
    }

    /** Records the first fatal failure and ends the wait; later ones are only the same failure's echoes. */
    public void fail(String component, Throwable cause) {
        failure.compareAndSet(null, new Failure(component, cause));
        end();
    }

    private void end() {
        ended.countDown();
        for (Runnable action : onEnd) {
            if (onEnd.remove(action)) {
                action.run();
            }
        }
    }

    public boolean isEnding() {
        return ended.getCount() == 0;
    }

    /** Waits until a stop is asked for or a component fails; the failure, if that was it. */
    public Optional<Failure> await() throws InterruptedException {
        ended.await();
        return Optional.ofNullable(failure.get());
    }

    /** As {@link #await()}, bounded; true when it ended. */
    public boolean await(Duration atMost) throws InterruptedException {
        return ended.await(atMost.toNanos(), TimeUnit.NANOSECONDS);
    }

    public Optional<Failure> failure() {
        return Optional.ofNullable(failure.get());
    }
}
