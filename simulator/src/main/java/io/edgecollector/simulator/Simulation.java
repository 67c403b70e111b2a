package io.edgecollector.simulator;

import io.edgecollector.common.Progress;
import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.LongFunction;
import java.util.function.LongUnaryOperator;

/** Drives a message source at a steady rate (or as fast as possible) for a count or a time. */
public final class Simulation {

    private Simulation() {
    }

    /** Steady pacing at the given messages per second; 0 or less: as fast as possible. */
    public static LongUnaryOperator steady(double rate) {
        return rate > 0 ? k -> (long) (k * 1e9 / rate) : k -> 0L;
    }

    /**
     * @param next      the message for a given wall-clock millisecond; null when the source is done
     * @param schedule  nanoseconds after the start at which message k is due (0: at once)
     * @param count     messages to send; 0 or less means no limit
     * @param duration  how long to run; null means no limit
     * @param stop      checked between messages
     * @param progress  told how many messages were sent
     */
    public static RunResult run(Publisher publisher, LongFunction<Message> next, LongUnaryOperator schedule, long count,
                                Duration duration, BooleanSupplier stop, Progress progress)
            throws InterruptedException {
        long start = System.nanoTime();
        long end = duration == null ? Long.MAX_VALUE : start + duration.toNanos();
        long sent = 0;
        while ((count <= 0 || sent < count) && System.nanoTime() < end && !stop.getAsBoolean()) {
            long wait = start + schedule.applyAsLong(sent) - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(Math.min(wait, end - System.nanoTime()));
                if (System.nanoTime() >= end || stop.getAsBoolean()) {
                    break;
                }
            }
            Message m = next.apply(System.currentTimeMillis());
            if (m == null) {
                break;
            }
            publisher.publish(m);
            sent++;
            progress.set(sent);
        }
        publisher.flush(60_000);
        return new RunResult(publisher.confirmed(), publisher.failed(), (System.nanoTime() - start) / 1e9);
    }
}
