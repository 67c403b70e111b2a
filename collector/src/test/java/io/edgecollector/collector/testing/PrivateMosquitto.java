package io.edgecollector.collector.testing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A Mosquitto of the test's own on a free port, configured with the project's
 * mosquitto/mosquitto.conf (queue and in-flight limits, persistence), so a test may stop or
 * restart it without touching the shared broker. Stopped by pid on close.
 */
public final class PrivateMosquitto implements AutoCloseable {
    private static final Path PROJECT_CONF = Path.of("../mosquitto/mosquitto.conf");

    private final Path dir;
    private final int port;
    private final String listenerOptions;
    private Process process;

    private PrivateMosquitto(Path dir, int port, String listenerOptions) {
        this.dir = dir;
        this.port = port;
        this.listenerOptions = listenerOptions;
    }

    public static PrivateMosquitto start(Path dir) throws IOException {
        return start(dir, "allow_anonymous true\n");
    }

    /** A broker whose listener has these options (TLS files, allow_anonymous, password_file, acl_file...). */
    public static PrivateMosquitto start(Path dir, String listenerOptions) throws IOException {
        PrivateMosquitto m = new PrivateMosquitto(dir, Ports.free(), listenerOptions);
        m.writeConfig();
        m.startProcess();
        return m;
    }

    private void writeConfig() throws IOException {
        String settings = Files.readAllLines(PROJECT_CONF).stream()
                .filter(l -> !l.startsWith("listener") && !l.startsWith("persistence_location")
                        && !l.startsWith("allow_anonymous"))
                .collect(Collectors.joining("\n"));
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("mosquitto.conf"), settings + "\n"
                + "listener " + port + " 127.0.0.1\n"
                + listenerOptions
                + "persistence_location " + dir.resolve("data") + "/\n"
                + "user root\n"
                + "log_dest file " + dir.resolve("mosquitto.log") + "\n");
    }

    private void startProcess() throws IOException {
        process = new ProcessBuilder("/usr/sbin/mosquitto", "-c", dir.resolve("mosquitto.conf").toString())
                .redirectErrorStream(true)
                .redirectOutput(new File(dir.resolve("stdout.log").toString()))
                .start();
        Await.until("private mosquitto on port " + port, Duration.ofSeconds(10), () -> Ports.listening(port));
    }

    public String url() {
        return "tcp://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    /** Stops the broker gracefully (it saves its persistence file) and starts it again. */
    public void restart() throws IOException, InterruptedException {
        stop();
        startProcess();
    }

    public void stop() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    /** Freezes the broker (SIGSTOP: its sockets stay open, it answers nothing) or lets it go on (SIGCONT). */
    public void freeze(boolean frozen) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", frozen ? "-STOP" : "-CONT", Long.toString(process.pid())).inheritIO().start();
        if (kill.waitFor() != 0) {
            throw new IOException("kill " + (frozen ? "-STOP" : "-CONT") + " " + process.pid() + " failed");
        }
    }

    @Override
    public void close() {
        try {
            stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
