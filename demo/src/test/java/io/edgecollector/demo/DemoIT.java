package io.edgecollector.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.Ports;
import io.edgecollector.collector.testing.TestDatabase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `collector demo` on a machine with and without a broker and a database, from the built jars. */
class DemoIT {
    static final Path DEMO_JAR = Path.of("target/edge-demo.jar");
    static final Path COLLECTOR_JAR = Path.of("../collector/target/collector.jar");

    record Run(int exit, String output) {
    }

    static Process start(Path dir, Path jar, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("java", "-Xmx256m", "-jar", jar.toAbsolutePath().toString()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile()).start();
    }

    static Run run(Path dir, Path jar, String... args) throws Exception {
        Process p = start(dir, jar, args);
        if (!p.waitFor(3, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("still running after 3 minutes:\n" + Files.readString(dir.resolve("out.log")));
        }
        return new Run(p.exitValue(), Files.readString(dir.resolve("out.log")));
    }

    /** The count after name= on the demo's "rows by quality" line. */
    static long rows(String output, String quality) {
        Matcher m = Pattern.compile("rows by quality:.*\\b" + quality + "=(\\d+)").matcher(output);
        assertTrue(m.find(), output);
        return Long.parseLong(m.group(1));
    }

    @Test
    void onAMachineWithNothingListening_theDemoEmbedsABrokerAndADatabase(@TempDir Path dir) throws Exception {
        int mqtt = Ports.free();
        int pg = Ports.free();
        Run r = run(dir, DEMO_JAR, "demo", "--duration", "5s", "--http-port", "0",
                "--broker-url", "tcp://127.0.0.1:" + mqtt, "--db-url", "jdbc:postgresql://127.0.0.1:" + pg + "/iot");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("broker: HiveMQ CE (embedded, MQTT 5) at tcp://127.0.0.1:" + mqtt
                + " (embedded: nothing listened at 127.0.0.1:" + mqtt + ")"), r.output());
        assertTrue(r.output().contains("database: PostgreSQL (embedded binaries) at 127.0.0.1:" + pg), r.output());
        assertTrue(rows(r.output(), "valid") > 50, r.output());
        Matcher published = Pattern.compile("simulator: published=(\\d+)").matcher(r.output());
        assertTrue(published.find());
        assertTrue(r.output().contains("written_and_acked=" + published.group(1)), r.output());
        assertFalse(Ports.listening(mqtt) || Ports.listening(pg), "the embedded services stop with the demo");
        assertTrue(Files.size(Files.list(dir.resolve("data/raw")).filter(f -> f.toString().endsWith(".jsonl"))
                .findFirst().orElseThrow()) > 0, "raw file written");
    }

    @Test
    void withServicesRunning_theDemoUsesThem(@TempDir Path dir) throws Exception {
        try (TestDatabase db = TestDatabase.onSharedServer()) {
            Run r = run(dir, DEMO_JAR, "demo", "--duration", "3s", "--http-port", "0", "--db-url", db.url());
            assertEquals(0, r.exit(), r.output());
            assertTrue(r.output().contains("broker: tcp://127.0.0.1:1883 (running)"), r.output());
            assertTrue(r.output().contains("database: 127.0.0.1:5432 (running)"), r.output());
            assertFalse(r.output().contains("(embedded"), r.output());
            assertEquals(db.count("SELECT count(*) FROM measurements WHERE quality = 'valid'"), rows(r.output(), "valid"));
        }
    }

    @Test
    void collectorJar_carriesNoEmbeddedPiecesNorSimulator_andItsDemoSaysWhereTheDemoIs(@TempDir Path dir) throws Exception {
        try (ZipFile jar = new ZipFile(COLLECTOR_JAR.toFile())) {
            assertFalse(jar.stream().anyMatch(e -> e.getName().startsWith("com/hivemq/") || e.getName().startsWith("io/zonky/")
                    || e.getName().startsWith("io/edgecollector/simulator/")), "collector.jar stays lean");
        }
        Run r = run(dir, COLLECTOR_JAR, "demo", "--duration", "3s", "--http-port", "0");
        assertEquals(1, r.exit(), r.output());
        assertTrue(r.output().contains("error: the demo is not part of collector.jar (it carries no traffic generator): "
                + "run java -jar demo/target/edge-demo.jar --duration 3s --http-port 0"), r.output());
        assertEquals(1, r.output().lines().filter(l -> l.startsWith("error:")).count(), r.output());
        assertFalse(r.output().contains("\tat "), "no stack trace: " + r.output());
    }

    @Test
    void run_neverEmbeds_evenFromTheDemoJar(@TempDir Path dir) throws Exception {
        int mqtt = Ports.free();
        Process p = start(dir, DEMO_JAR, "run", "--http-port", "0", "--broker-url", "tcp://127.0.0.1:" + mqtt,
                "--db-url", "jdbc:postgresql://127.0.0.1:1/none");
        try {
            Await.until("the daemon reports the broker away", Duration.ofSeconds(30),
                    () -> read(dir.resolve("out.log")).contains("event=broker_connect_failed"));
            assertTrue(p.isAlive(), "it waits for the broker");
            assertFalse(Ports.listening(mqtt), "and starts none of its own");
        } finally {
            p.destroy();
            assertTrue(p.waitFor(20, TimeUnit.SECONDS));
        }
        assertEquals(0, p.exitValue(), read(dir.resolve("out.log")));
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (IOException e) {
            return "";
        }
    }
}
