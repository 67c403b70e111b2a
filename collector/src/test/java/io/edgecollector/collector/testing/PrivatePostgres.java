package io.edgecollector.collector.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL 15 of the test's own (initdb in a temporary directory, a free port), so a test
 * may stop it without touching the shared server. PostgreSQL refuses to run as root, so its
 * commands run as the postgres user through runuser.
 */
public final class PrivatePostgres implements AutoCloseable {
    private static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    private final Path dir;
    private final int port;

    private PrivatePostgres(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    public static PrivatePostgres start() throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory(Path.of("/tmp"), "edge-pg-");
        run("chown", "postgres:postgres", dir.toString());
        PrivatePostgres pg = new PrivatePostgres(dir, Ports.free());
        asPostgres(BIN.resolve("initdb").toString(), "-D", pg.data(), "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8");
        pg.startServer();
        return pg;
    }

    private String data() {
        return dir.resolve("data").toString();
    }

    public String serverUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/";
    }

    public void startServer() throws IOException, InterruptedException {
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data(), "-l", dir.resolve("server.log").toString(), "-w",
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c fsync=off", "start");
        Await.until("private postgres on port " + port, Duration.ofSeconds(20), () -> Ports.listening(port));
    }

    public void stopServer() throws IOException, InterruptedException {
        asPostgres(BIN.resolve("pg_ctl").toString(), "-D", data(), "-m", "fast", "-w", "stop");
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (Ports.listening(port)) {
            stopServer();
        }
        run("rm", "-rf", dir.toString());
    }

    private static void asPostgres(String... command) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(List.of(command));
        run(full.toArray(String[]::new));
    }

    private static void run(String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed: " + out);
        }
    }
}
