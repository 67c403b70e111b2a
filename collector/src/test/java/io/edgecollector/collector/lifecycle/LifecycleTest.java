package io.edgecollector.collector.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LifecycleTest {
    private final List<String> events = new ArrayList<>();

    private Component part(String name, boolean failsToStart, boolean failsToStop) {
        return new Component() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public void start() {
                if (failsToStart) {
                    throw new IllegalStateException(name + " cannot start");
                }
                events.add("start " + name);
            }

            @Override
            public void stop(Duration timeout) {
                events.add("stop " + name + " within " + timeout.toSeconds() + "s");
                if (failsToStop) {
                    throw new IllegalStateException(name + " cannot stop");
                }
            }
        };
    }

    @Test
    void close_stopsStartedPartsNewestFirst_onceEach_evenWhenOneStopFails() throws Exception {
        Lifecycle lifecycle = new Lifecycle(Duration.ofSeconds(7));
        lifecycle.start(part("writer", false, false));
        lifecycle.start(part("loader", false, true));
        lifecycle.start(part("intake", false, false));
        lifecycle.close();
        lifecycle.close();
        assertEquals(List.of("start writer", "start loader", "start intake",
                "stop intake within 7s", "stop loader within 7s", "stop writer within 7s"), events);
    }

    @Test
    void aPartThatFailedToStart_isNotStopped() throws Exception {
        Lifecycle lifecycle = new Lifecycle(Duration.ofSeconds(1));
        lifecycle.start(part("writer", false, false));
        assertThrows(IllegalStateException.class, () -> lifecycle.start(part("loader", true, false)));
        lifecycle.close();
        assertEquals(List.of("start writer", "stop writer within 1s"), events);
    }

    @Test
    void supervisor_firstFailureWins_andEndActionsRunOnce() throws Exception {
        Supervisor supervisor = new Supervisor();
        List<String> ran = new ArrayList<>();
        supervisor.onEnd(() -> ran.add("stop intake"));
        assertFalse(supervisor.await(Duration.ofMillis(10)));
        IllegalStateException first = new IllegalStateException("schema version 99 is newer\nsecond line");
        supervisor.fail("loader", first);
        supervisor.fail("writer", new IllegalStateException("echo"));
        supervisor.requestStop();
        Optional<Supervisor.Failure> failure = supervisor.await();
        assertTrue(failure.isPresent());
        assertSame(first, failure.get().cause());
        assertEquals("loader: schema version 99 is newer", failure.get().message());
        assertEquals(List.of("stop intake"), ran);
        supervisor.onEnd(() -> ran.add("late"));
        assertEquals(List.of("stop intake", "late"), ran, "an action added after the end runs at once");
    }

    @Test
    void supervisor_aStopAskedFor_endsWithoutFailure() throws Exception {
        Supervisor supervisor = new Supervisor();
        supervisor.requestStop();
        assertEquals(Optional.empty(), supervisor.await());
    }

    @Test
    void backoff_doublesUpToTheCap_andResets() {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofMillis(500));
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            delays.add(backoff.next());
        }
        assertEquals(List.of(100L, 200L, 400L, 500L, 500L), delays);
        backoff.reset();
        assertEquals(100L, backoff.next());
    }

    @Test
    void waits_returnWhetherTheConditionCame() throws Exception {
        long start = System.nanoTime();
        assertFalse(Waits.until(() -> false, Duration.ofMillis(120)));
        assertTrue(System.nanoTime() - start >= Duration.ofMillis(120).toNanos());
        assertTrue(Waits.until(() -> true, Duration.ZERO));
    }
}
