package io.edgecollector.collector.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** `java -jar target/collector.jar ...` as a separate process, so a test can kill -9 it. */
public final class CollectorProcess implements AutoCloseable {
    public static final Path JAR = Path.of("target/collector.jar");

    private final Process process;
    private final Path log;

    private CollectorProcess(Process process, Path log) {
        this.process = process;
        this.log = log;
    }

    public static CollectorProcess start(Path log, String... args) throws IOException {
        return start(log, Map.of(), args);
    }

    /** As above, with extra environment variables (secrets, say). */
    public static CollectorProcess start(Path log, Map<String, String> env, String... args) throws IOException {
        return start(log, env, List.of("-Xmx256m"), args);
    }

    /** As above, with these JVM options (those of the systemd unit, say) instead of a 256 MB heap. */
    public static CollectorProcess start(Path log, Map<String, String> env, List<String> jvmOptions, String... args)
            throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: run the integration tests with mvn verify");
        }
        // SIGHUP at its default, as bin/edge-collector starts the daemon: a JVM started with it
        // ignored (a test run under nohup) would never reload
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=HUP", "java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", JAR.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        // several collectors run at once in the tests: no HTTP port unless a test asks for one
        builder.environment().putIfAbsent("COLLECTOR_HTTP_PORT", "0");
        Process p = builder
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        return new CollectorProcess(p, log);
    }

    public String output() {
        try {
            // leniently: one malformed byte (or a line caught half-written) must not hide the rest
            return Files.exists(log) ? new String(Files.readAllBytes(log), java.nio.charset.StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            return "";
        }
    }

    /** Waits until the n-th "event=subscribed" line in the shared log file. */
    public CollectorProcess awaitSubscribed(int times) {
        Await.until("collector subscribed (" + times + ")", Duration.ofSeconds(30),
                () -> output().split("event=subscribed", -1).length - 1 >= times || !process.isAlive());
        if (!process.isAlive()) {
            throw new IllegalStateException("collector exited with " + process.exitValue() + ":\n" + output());
        }
        return this;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** How many times the log has this text (an event=... name, say). */
    public int count(String text) {
        return output().split(java.util.regex.Pattern.quote(text), -1).length - 1;
    }

    /** kill -HUP: the daemon reloads its sensor registry and alert rules. */
    public void hangup() throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(process.pid())).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
            throw new IOException("kill -HUP " + process.pid() + " failed: " + new String(kill.getInputStream().readAllBytes()));
        }
    }

    /** kill -9: no flush, no acknowledgements, no goodbye. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** Waits for the process to end by itself: its exit code, or -1 if it still runs after the limit. */
    public int awaitExit(Duration limit) throws InterruptedException {
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    /** SIGTERM, then the exit code (or -1 if it did not exit within the limit). */
    public int terminate(Duration limit) throws InterruptedException {
        process.destroy();
        return process.waitFor(limit.toMillis(), TimeUnit.MILLISECONDS) ? process.exitValue() : -1;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            try {
                kill();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
