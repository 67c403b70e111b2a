package io.edgecollector.collector.it.endurance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three minutes of 2,000 msg/s with a fault every 35 s, in turn: the collector killed with -9
 * and restarted, the (persistent, private) broker restarted, the (private) PostgreSQL stopped for
 * 20 s, SIGHUP. bench/endurance.sh runs the same for an hour.
 */
class EnduranceIT {
    /**
     * After a process's first 20 s, this many threads (JIT compiler threads, the pool's helpers)
     * and descriptors (a pool connection, an HTTP request) may come and go: measured 34-38
     * threads and 12-14 descriptors through the faults. Never more MQTT client threads than one
     * client has (a client not closed after a broker restart would leave its threads behind).
     */
    static final int THREAD_MARGIN = 4;
    static final int FD_MARGIN = 4;

    @Test
    void faultsInTurnAt2000MsgPerSecond_everyConfirmedMessageIsOneRowOrRejection_andNothingLeaks(@TempDir Path dir)
            throws Exception {
        Endurance.Outcome o;
        try (Endurance run = new Endurance(dir, System.out)) {
            o = run.run(Duration.ofSeconds(170), Duration.ofSeconds(35));
        }
        Report.print(o, Duration.ofSeconds(60), System.out);

        assertEquals(4, o.faults().stream().filter(f -> f.startsWith("fault ")).count(), String.join("\n", o.faults()));
        assertEquals(List.of(), o.counts().problems(), o.counts().line());
        assertTrue(o.counts().published() > 200_000, "the publisher kept its pace through the faults: " + o.counts().line());
        assertTrue(o.counts().rejections() > 0 && o.counts().published() > o.counts().rejections());
        assertEquals(0, o.exitCode(), "a SIGTERM at the end stops the collector cleanly");

        // the process that lived through the broker restart, the database outage and SIGHUP
        long last = o.samples().get(o.samples().size() - 1).pid();
        List<Sample> lastProcess = o.samples().stream().filter(s -> s.pid() == last && s.complete()).toList();
        long warm = lastProcess.get(0).second() + 20;
        List<Sample> settled = lastProcess.stream().filter(s -> s.second() >= warm).toList();
        assertTrue(settled.size() >= 8, "samples of the last process: " + lastProcess);
        Sample first = settled.get(0);
        Sample end = settled.get(settled.size() - 1);
        assertTrue(end.threads() <= first.threads() + THREAD_MARGIN, "threads grow: " + settled);
        assertTrue(end.fds() <= first.fds() + FD_MARGIN, "file descriptors grow: " + settled);
        assertTrue(settled.stream().allMatch(s -> s.mqttThreads() <= first.mqttThreads()),
                "one MQTT client's threads at a time, through the broker restart: " + settled);
    }
}
