package io.edgecollector.collector.it.endurance;

import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.Ports;
import io.edgecollector.collector.testing.PrivateMosquitto;
import io.edgecollector.collector.testing.PrivatePostgres;
import io.edgecollector.collector.testing.Setup;
import io.edgecollector.collector.testing.TestDatabase;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * An endurance run: a private persistent Mosquitto, a private PostgreSQL, the collector as its
 * own process (with the systemd unit's JVM options) and {@link AckedPublisher} at 2,000 msg/s.
 * Every {@code faultEvery}, in turn: the collector killed with -9 and restarted, the broker
 * restarted, PostgreSQL stopped for 20 s, SIGHUP. The collector's memory, descriptors, threads
 * and backlog are sampled every 10 s. At the end the publisher stops, the collector catches up,
 * and {@link Accounting} checks every message. Used by EnduranceIT (3 minutes) and
 * bench/endurance.sh (java ... Endurance MINUTES [FAULT_SECONDS]).
 */
public final class Endurance implements AutoCloseable {
    /** As bin/edge-collector (which the systemd unit and the image run) starts the daemon; DeploymentFilesTest keeps them equal. */
    public static final List<String> JVM = List.of("-Xmx128m", "-Xms32m", "-XX:+UseSerialGC", "-XX:+ExitOnOutOfMemoryError",
            "-XX:+UnlockExperimentalVMOptions", "-XX:TrimNativeHeapInterval=5000");
    static final double RATE = 2000;
    static final Duration SAMPLE_EVERY = Duration.ofSeconds(10);
    static final Duration DATABASE_OUTAGE = Duration.ofSeconds(20);

    /** The samples, the faults as they happened, and the final account. */
    record Outcome(List<Sample> samples, List<String> faults, Accounting counts, int exitCode) {
    }

    private final Path dir;
    private final PrintStream out;
    private final String prefix = Setup.prefix();
    private final int httpPort = Ports.free();
    private final List<Sample> samples = new ArrayList<>();
    private final List<String> faults = new ArrayList<>();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "endurance-sampler");
        t.setDaemon(true);
        return t;
    });
    private PrivatePostgres postgres;
    private PrivateMosquitto broker;
    private TestDatabase db;
    private volatile CollectorProcess collector;
    private String[] args;
    private int runs;
    private long startNanos;

    Endurance(Path dir, PrintStream out) {
        this.dir = dir;
        this.out = out;
    }

    public static void main(String[] argv) throws Exception {
        int minutes = argv.length > 0 ? Integer.parseInt(argv[0]) : 60;
        int faultSeconds = argv.length > 1 ? Integer.parseInt(argv[1]) : 180;
        Path dir = Files.createTempDirectory("edge-endurance-");
        Outcome o;
        Endurance e = new Endurance(dir, System.out);
        Thread cleanup = new Thread(() -> {
            e.closeQuietly();
            removeQuietly(dir);
        }, "endurance-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup); // a SIGTERM stops the private services too
        try {
            o = e.run(Duration.ofMinutes(minutes), Duration.ofSeconds(faultSeconds));
        } finally {
            e.closeQuietly();
        }
        Report.print(o, Duration.ofMinutes(5), System.out);
        boolean faultsFailed = o.faults().stream().anyMatch(f -> f.startsWith("FAILED"));
        System.exit(o.counts().problems().isEmpty() && o.exitCode() == 0 && !faultsFailed ? 0 : 1);
    }

    Outcome run(Duration length, Duration faultEvery) throws Exception {
        postgres = PrivatePostgres.start();
        broker = PrivateMosquitto.start(dir.resolve("broker"));
        db = new TestDatabase(postgres.serverUrl());
        Map<String, String> flags = Setup.flags(broker.url(), prefix, dir.resolve("raw"), Setup.registry(dir, 5));
        // the collector's own defaults, not the tests' small batches and short session
        flags.remove("--batch-size");
        flags.remove("--flush-interval");
        flags.remove("--mqtt-session-expiry");
        flags.put("--db-url", db.url());
        flags.put("--http-port", Integer.toString(httpPort));
        args = Setup.args("run", flags);
        startCollector();
        Traffic traffic = new Traffic(prefix, System.currentTimeMillis() / 1000 * 1000);
        startNanos = System.nanoTime();
        sampler.scheduleAtFixedRate(this::sample, 0, SAMPLE_EVERY.toSeconds(), TimeUnit.SECONDS);
        AckedPublisher publisher = new AckedPublisher(broker.url(), prefix + "-publisher", traffic, RATE);
        publisher.start();
        List<Fault> turn = List.of(this::killCollector, this::restartBroker, this::stopDatabase, this::hangup);
        for (int i = 0; seconds() + faultEvery.toSeconds() < length.toSeconds(); i++) {
            long due = (i + 1) * faultEvery.toSeconds();
            Thread.sleep(Math.max(0, (due - seconds()) * 1000));
            long at = seconds();
            try {
                String what = turn.get(i % turn.size()).apply();
                note(String.format("fault t=%ds %s (took %ds)", at, what, seconds() - at));
            } catch (Exception | AssertionError failed) {
                // the run goes on: the later faults and the final account still say what they say
                note(String.format("FAILED fault t=%ds after %ds: %s", at, seconds() - at, failed.getMessage()));
                diagnose();
            }
        }
        Thread.sleep(Math.max(0, (length.toSeconds() - seconds()) * 1000));
        publisher.close();
        note(String.format("publisher stopped t=%ds: %d messages at %.0f msg/s, %d connections",
                seconds(), publisher.published(), publisher.published() / (double) Math.max(1, seconds()), publisher.connects()));
        awaitCaughtUp(Accounting.owed(publisher.sent(), publisher.acked()).cardinality(), Duration.ofMinutes(5));
        sampler.shutdownNow();
        Accounting counts = Accounting.check(db, traffic, publisher.sent(), publisher.acked());
        int exit = collector.terminate(Duration.ofSeconds(30));
        note("collector stopped with SIGTERM: exit code " + exit);
        synchronized (samples) {
            return new Outcome(List.copyOf(samples), List.copyOf(faults), counts, exit);
        }
    }

    /** One fault; returns what was done. */
    private interface Fault {
        String apply() throws Exception;
    }

    private String killCollector() throws Exception {
        collector.kill();
        startCollector();
        return "collector kill -9, restarted, subscribed";
    }

    private String restartBroker() throws Exception {
        int before = collector.count("event=subscribed");
        broker.restart();
        Await.until("the collector subscribed again after the broker restart", Duration.ofSeconds(90),
                () -> collector.count("event=subscribed") > before);
        return "broker restarted (persistent), collector subscribed again";
    }

    private String stopDatabase() throws Exception {
        postgres.stopServer();
        Thread.sleep(DATABASE_OUTAGE.toMillis()); // the length of the outage, not a wait for a condition
        postgres.startServer();
        return "PostgreSQL stopped for " + DATABASE_OUTAGE.toSeconds() + " s";
    }

    private String hangup() throws Exception {
        int before = collector.count("event=reload_requested");
        collector.hangup();
        Await.until("the collector reloaded on SIGHUP", Duration.ofSeconds(30),
                () -> collector.count("event=reload_requested") > before);
        return "SIGHUP, reloaded";
    }

    /** After a failed fault: is the collector alive, the end of its log, and its threads' stacks. */
    private void diagnose() {
        CollectorProcess c = collector;
        out.println("collector pid=" + c.pid() + " alive=" + c.isAlive() + "; the end of its log:");
        List<String> lines = c.output().lines().toList();
        lines.subList(Math.max(0, lines.size() - 40), lines.size()).forEach(l -> out.println("  | " + l));
        try {
            Path jcmd = Path.of(ProcessHandle.current().info().command().orElse("java")).resolveSibling("jcmd");
            Process dump = new ProcessBuilder(jcmd.toString(), Long.toString(c.pid()), "Thread.print")
                    .redirectErrorStream(true).start();
            out.println(new String(dump.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            dump.waitFor(30, TimeUnit.SECONDS);
        } catch (IOException | InterruptedException e) {
            out.println("no thread dump: " + e);
        }
    }

    private void startCollector() throws Exception {
        runs++;
        collector = CollectorProcess.start(dir.resolve("collector-" + runs + ".log"), Map.of(), JVM, args).awaitSubscribed(1);
    }

    /**
     * Waits until there are as many rows and rejections as confirmed messages and nothing waits
     * to be loaded, or until the limit: the account is checked either way, and tells what is wrong.
     */
    private void awaitCaughtUp(long owed, Duration limit) throws InterruptedException {
        long deadline = System.nanoTime() + limit.toNanos();
        while (System.nanoTime() < deadline) {
            long stored = db.countOrMinusOne("SELECT (SELECT count(*) FROM measurements) + (SELECT count(*) FROM rejected_messages)");
            if (stored >= owed && Sample.backlog(httpPort) == 0) {
                note(String.format("caught up t=%ds", seconds()));
                return;
            }
            Thread.sleep(2000);
        }
        note(String.format("not caught up after %ds", limit.toSeconds()));
    }

    private void sample() {
        CollectorProcess c = collector;
        Sample s = Sample.take(seconds(), c.pid(), httpPort);
        synchronized (samples) {
            samples.add(s);
        }
        out.println(s.line());
    }

    private void note(String line) {
        faults.add(line);
        out.println(line);
    }

    private long seconds() {
        return TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - startNanos);
    }

    private void closeQuietly() {
        try {
            close();
        } catch (Exception ex) {
            out.println("cleanup: " + ex);
        }
    }

    private static void removeQuietly(Path dir) {
        try {
            new ProcessBuilder("rm", "-rf", dir.toString()).start().waitFor();
        } catch (Exception ex) {
            System.out.println("cleanup: " + dir + " left behind: " + ex);
        }
    }

    /** Stops the collector, the broker and PostgreSQL by pid; safe twice. */
    @Override
    public synchronized void close() throws Exception {
        sampler.shutdownNow();
        if (collector != null) {
            collector.close();
        }
        if (broker != null) {
            broker.close();
        }
        if (db != null && postgres != null) {
            postgres.close();
        }
    }
}
