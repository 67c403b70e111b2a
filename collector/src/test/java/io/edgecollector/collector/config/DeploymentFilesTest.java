package io.edgecollector.collector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.edgecollector.collector.CollectorMain;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No Docker engine runs where this is built, so docker-compose.yml and the Dockerfile are kept
 * right by reading: the files they name exist, the collector's environment is what the code
 * reads and is valid, and ports and names agree with the code's defaults.
 */
class DeploymentFilesTest {
    static final Path ROOT = Path.of("..");
    static final JsonNode COMPOSE = read();

    static JsonNode read() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyBindMountAndBuildTarget_exists() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        for (Iterator<Map.Entry<String, JsonNode>> it = COMPOSE.get("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            for (JsonNode volume : service.getValue().path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./") && !source.equals("./data")) {
                    assertTrue(Files.exists(ROOT.resolve(source)), service.getKey() + " mounts missing " + source);
                }
            }
            JsonNode build = service.getValue().get("build");
            if (build != null) {
                assertTrue(dockerfile.contains(" AS " + build.get("target").asText() + "\n"),
                        "Dockerfile has no stage " + build.get("target").asText());
            }
        }
        for (String line : dockerfile.lines().filter(l -> l.startsWith("COPY ") && !l.contains("--from")).toList()) {
            String[] parts = line.split("\\s+");
            for (int i = 1; i < parts.length - 1; i++) {
                assertTrue(Files.exists(ROOT.resolve(parts[i])), "Dockerfile copies missing " + parts[i]);
            }
        }
    }

    @Test
    void collectorEnvironment_isValid_andMatchesTheOtherServices() {
        JsonNode services = COMPOSE.get("services");
        Map<String, String> env = new HashMap<>();
        // ${VAR:-default} as compose reads it with VAR unset
        services.get("collector").get("environment").fields().forEachRemaining(e -> env.put(e.getKey(),
                e.getValue().asText().replaceAll("^\\$\\{[A-Z_]+:-([^}]*)}$", "$1")));
        for (String key : env.keySet()) {
            assertTrue(List.of(Setting.values()).stream().anyMatch(s -> s.env().equals(key)), "unknown variable " + key);
        }
        CollectorConfig config = ConfigLoader.load(null, env, Map.of());
        URI broker = URI.create(config.brokerUrl());
        assertNotNull(services.get(broker.getHost()), "broker host is a service");
        int defaultBrokerPort = URI.create(CollectorConfig.defaults().brokerUrl()).getPort();
        assertEquals(defaultBrokerPort, broker.getPort());
        assertTrue(services.get("mosquitto").get("ports").get(0).asText().endsWith(":" + defaultBrokerPort));
        JsonNode pg = services.get("postgres").get("environment");
        assertTrue(config.dbUrl().endsWith("/" + pg.get("POSTGRES_DB").asText()), config.dbUrl());
        assertTrue(CollectorConfig.defaults().dbUrl().endsWith("/" + pg.get("POSTGRES_DB").asText()));
        assertEquals(pg.get("POSTGRES_USER").asText(), config.dbUser());
        assertEquals(pg.get("POSTGRES_PASSWORD").asText(), config.dbPassword().value());
        String command = services.get("collector").get("command").get(0).asText();
        assertNotNull(CollectorMain.commandLine(Map.of()).getSubcommands().get(command), "collector command " + command);
        assertNotNull(services.get("pgadmin").get("profiles"), "pgAdmin only under a profile");
        assertEquals("kafka", services.get("kafka").get("profiles").get(0).asText(), "Kafka only under the kafka profile");
        assertTrue(services.get("kafka").get("image").asText().startsWith("apache/kafka:"));
        Map<String, String> withKafka = new HashMap<>(env);
        withKafka.put("COLLECTOR_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092");
        String kafkaHost = ConfigLoader.load(null, withKafka, Map.of()).kafka().bootstrapServers().split(":")[0];
        assertNotNull(services.get(kafkaHost), "the documented Kafka bootstrap server is a service");
    }

    @Test
    void mosquittoConfig_isTheOneMounted_andKeepsItsDataInTheVolume() throws Exception {
        String conf = Files.readString(ROOT.resolve("mosquitto/mosquitto.conf"));
        assertTrue(conf.contains("persistence_location /mosquitto/data/"));
        assertTrue(COMPOSE.get("services").get("mosquitto").get("volumes").toString().contains("mosquitto-data:/mosquitto/data"));
    }

    @Test
    void collectorService_exposesHttpPort_andItsHealthcheckAsksHealth() {
        JsonNode collector = COMPOSE.get("services").get("collector");
        String port = Setting.HTTP_PORT.defaultValue();
        assertEquals(port + ":" + port, collector.get("ports").get(0).asText());
        String check = collector.get("healthcheck").get("test").toString();
        assertTrue(check.contains("/dev/tcp/127.0.0.1/" + port) && check.contains("GET /health"), check);
    }

    /** The [Service] and [Timer] keys of a unit file (last value wins, as systemd reads them). */
    static Map<String, String> unit(String name) throws Exception {
        Map<String, String> keys = new HashMap<>();
        for (String line : Files.readAllLines(ROOT.resolve("deploy/systemd").resolve(name))) {
            int eq = line.indexOf('=');
            if (!line.startsWith("#") && !line.startsWith("[") && eq > 0) {
                keys.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        return keys;
    }

    /**
     * Checks a `java ... -jar <dir>/collector.jar <command> --config <dir>/config/collector.yaml` line, or
     * the same through the launcher, `<dir>/bin/edge-collector <command> ...` (it finds <dir>/collector.jar).
     */
    static void assertRunsCollector(String commandLine, String workingDirectory, String command) {
        List<String> words = List.of(commandLine.trim().split("\\s+"));
        if (words.get(0).equals("/bin/sh")) { // the launcher run by the shell it is written for
            words = words.subList(1, words.size());
        }
        int argsFrom;
        if (Path.of(words.get(0)).endsWith(Path.of("bin", "edge-collector"))) {
            assertEquals(Path.of(workingDirectory, "bin", "edge-collector"), Path.of(workingDirectory).resolve(words.get(0)), commandLine);
            argsFrom = 1;
        } else {
            int jar = words.indexOf("-jar");
            assertTrue(jar > 0 && words.get(0).endsWith("java"), commandLine);
            Path jarPath = Path.of(workingDirectory).resolve(words.get(jar + 1));
            assertEquals(Path.of(workingDirectory, "collector.jar"), jarPath, commandLine);
            argsFrom = jar + 2;
        }
        String[] args = words.subList(argsFrom, words.size()).toArray(String[]::new);
        picocli.CommandLine.ParseResult parsed = CollectorMain.commandLine(Map.of()).parseArgs(args);
        assertEquals(command, parsed.subcommand().commandSpec().name(), commandLine);
        Path config = Path.of(workingDirectory).resolve(parsed.subcommand().matchedOptionValue("--config", Path.of("")));
        Path inRepo = Path.of(workingDirectory).relativize(config);
        assertTrue(Files.isRegularFile(ROOT.resolve(inRepo)), "the unit's config is this repository's " + inRepo);
    }

    @Test
    void systemdUnits_runTheJarWithValidCommands_andMayWriteTheDataDirectory() throws Exception {
        CollectorConfig shipped = ConfigLoader.load(ROOT.resolve("config/collector.yaml"), Map.of(), Map.of());
        for (String service : List.of("edge-collector.service", "edge-collector-compact.service")) {
            Map<String, String> u = unit(service);
            String dir = u.get("WorkingDirectory");
            assertRunsCollector(u.get("ExecStart"), dir, service.contains("compact") ? "compact" : "run");
            Path writable = Path.of(u.get("ReadWritePaths"));
            assertTrue(Path.of(dir).resolve(shipped.rawDir()).startsWith(writable), service + " may write raw_dir");
            assertTrue(Path.of(dir).resolve(shipped.lakeDir()).startsWith(writable), service + " may write lake_dir");
            assertEquals("strict", u.get("ProtectSystem"));
        }
        assertEquals("2", unit("edge-collector.service").get("RestartPreventExitStatus"), "no restart loop on a config error");
        String timerUnit = unit("edge-collector-compact.timer").get("Unit");
        assertTrue(Files.isRegularFile(ROOT.resolve("deploy/systemd").resolve(timerUnit)), timerUnit);
    }

    @Test
    void cronLine_runsTheSameCompactionAsTheTimer() throws Exception {
        String line = Files.readAllLines(ROOT.resolve("deploy/cron/edge-collector")).stream()
                .filter(l -> !l.startsWith("#") && !l.contains("=") && !l.isBlank()).findFirst().orElseThrow();
        String[] fields = line.split("\\s+", 7);
        assertEquals("15 1 * * *", String.join(" ", List.of(fields).subList(0, 5)));
        String command = fields[6];
        String dir = unit("edge-collector-compact.service").get("WorkingDirectory");
        assertTrue(command.startsWith("cd " + dir + " && "), command);
        assertRunsCollector(command.substring(command.indexOf("&&") + 2), dir, "compact");
        assertEquals(unit("edge-collector-compact.service").get("User"), fields[5]);
    }

    /** The options bin/edge-collector gives the JVM for a command: the words of its opts="..." line in the case for it. */
    static List<String> launcherOptions(String command) throws Exception {
        List<String> lines = Files.readAllLines(ROOT.resolve("bin/edge-collector"));
        String pattern = command.equals("compact") ? "compact)" : "*)";
        String line = lines.stream().map(String::trim).filter(l -> l.startsWith(pattern)).findFirst()
                .orElseThrow(() -> new AssertionError("bin/edge-collector has no case " + pattern));
        String opts = line.substring(line.indexOf("opts=\"") + 6);
        return List.of(opts.substring(0, opts.indexOf('"')).split(" "));
    }

    /** The options the launcher adds for every command but compact when the JVM can trim its native heap. */
    static List<String> launcherTrimOptions() throws Exception {
        String line = Files.readAllLines(ROOT.resolve("bin/edge-collector")).stream().map(String::trim)
                .filter(l -> l.startsWith("opts=\"$opts ") && l.contains("TrimNativeHeapInterval")).findFirst()
                .orElseThrow(() -> new AssertionError("bin/edge-collector adds no TrimNativeHeapInterval"));
        String opts = line.substring("opts=\"$opts ".length());
        return List.of(opts.substring(0, opts.indexOf('"')).split(" "));
    }

    @Test
    void launcher_systemdUnits_cronAndImage_giveTheJvmTheSameOptions() throws Exception {
        List<String> daemon = launcherOptions("run");
        assertTrue(daemon.contains("-Xmx128m") && daemon.contains("-XX:+UseSerialGC"), daemon.toString());
        // the endurance run (EnduranceIT, bench/endurance.sh) starts the collector itself: with the same
        // options, on this build's JVM (17.0.9 or later), which trims its native heap
        List<String> withTrim = new ArrayList<>(daemon);
        withTrim.addAll(launcherTrimOptions());
        assertEquals(withTrim, io.edgecollector.collector.it.endurance.Endurance.JVM, "Endurance.JVM");
        // the daemon's unit and image run the launcher itself: the same options, archive and malloc setting by construction
        assertTrue(unit("edge-collector.service").get("ExecStart").startsWith("/bin/sh /opt/edge-collector/bin/edge-collector run "),
                "edge-collector.service runs the launcher");
        List<String> dockerfile = Files.readAllLines(ROOT.resolve("Dockerfile"));
        assertTrue(dockerfile.contains("ENTRYPOINT [\"/app/bin/edge-collector\"]"), "the image's entrypoint is the launcher");
        assertTrue(dockerfile.contains("COPY --from=build /src/collector/target/collector.jar /app/collector.jar"),
                "the launcher finds the jar at /app/bin/../collector.jar");
        // so do the compaction timer and the cron line: the compaction's options by construction
        assertTrue(unit("edge-collector-compact.service").get("ExecStart")
                .startsWith("/bin/sh /opt/edge-collector/bin/edge-collector compact "), "edge-collector-compact.service runs the launcher");
        assertTrue(Files.readAllLines(ROOT.resolve("deploy/cron/edge-collector")).stream()
                .anyMatch(l -> l.contains("&& /bin/sh bin/edge-collector compact ")), "deploy/cron/edge-collector runs the launcher");
        assertTrue(Files.isExecutable(ROOT.resolve("bin/edge-collector")), "bin/edge-collector is executable");
    }

    /**
     * The launcher gives TrimNativeHeapInterval only to a JVM that has it (an older one refuses to
     * start with it), judged from the JDK's release file: a fake JDK whose java prints its arguments.
     */
    @Test
    void launcher_trimsTheNativeHeap_onlyOnJvmsThatHaveTheOption(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("collector.jar"), "not run");
        Map<String, Boolean> expected = new LinkedHashMap<>();
        expected.put("17.0.8", false);
        expected.put("17.0.9", true);
        expected.put("17.0.15", true);
        expected.put("20.0.2", false);
        expected.put("21", false);
        expected.put("21.0.1", true);
        expected.put("22", true);
        expected.put("25.0.1", true);
        expected.put("1.8.0_392", false);
        expected.put(null, false); // no release file
        List<String> trim = launcherTrimOptions();
        for (Map.Entry<String, Boolean> e : expected.entrySet()) {
            Path jdk = dir.resolve("jdk-" + e.getKey());
            Path fakeJava = fakeJava(jdk, "echo \"$@\"");
            if (e.getKey() != null) {
                Files.writeString(jdk.resolve("release"), "IMPLEMENTOR=\"Test\"\nJAVA_VERSION=\"" + e.getKey() + "\"\n");
            }
            for (String command : List.of("run", "compact")) {
                String out = launch(fakeJava, jar, new ProcessBuilder("/bin/sh", ROOT.resolve("bin/edge-collector").toString(), command));
                List<String> args = List.of(out.split(" "));
                boolean trims = args.containsAll(trim);
                assertEquals(e.getValue() && command.equals("run"), trims, "JAVA_VERSION " + e.getKey() + ", " + command + ": " + out);
                assertEquals(jar.toString(), args.get(args.indexOf("-jar") + 1), out);
            }
        }
    }

    /**
     * The compaction's heap goes in transparent huge pages only where the kernel gives them on
     * request (a JVM asked for them on a kernel that has them off prints a warning); the daemon's never.
     */
    @Test
    void launcher_givesTheCompactionHugePages_onlyWhereTheKernelOffersThem(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("collector.jar"), "not run");
        Path fakeJava = fakeJava(dir.resolve("jdk"), "echo \"$@\"");
        Path setting = Path.of("/sys/kernel/mm/transparent_hugepage/enabled");
        String kernel = Files.isReadable(setting) ? Files.readString(setting) : "";
        boolean offered = kernel.contains("[always]") || kernel.contains("[madvise]");
        for (String command : List.of("run", "compact")) {
            String out = launch(fakeJava, jar, new ProcessBuilder("/bin/sh", ROOT.resolve("bin/edge-collector").toString(), command));
            assertEquals(offered && command.equals("compact"), List.of(out.split(" ")).contains("-XX:+UseTransparentHugePages"),
                    command + " with the kernel's setting '" + kernel.trim() + "': " + out);
        }
    }

    /**
     * A JVM started with SIGHUP ignored (nohup) never installs the daemon's reload handler: the
     * launcher starts `run` with SIGHUP at its default. The fake java prints its ignored signals.
     */
    @Test
    void launcher_startsRunWithSighupNotIgnored_evenUnderNohup(@TempDir Path dir) throws Exception {
        Path jar = Files.writeString(dir.resolve("collector.jar"), "not run");
        Path fakeJava = fakeJava(dir.resolve("jdk"), "sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status");
        // trap "" HUP: what nohup does before it runs the command; the ignored disposition is inherited
        String out = launch(fakeJava, jar, new ProcessBuilder("/bin/sh", "-c", "trap '' HUP; exec /bin/sh \"$0\" run",
                ROOT.resolve("bin/edge-collector").toString()));
        assertEquals(0, Long.parseLong(out, 16) & 1, "SIGHUP (bit 0 of SigIgn) ignored in the JVM's process: " + out);
    }

    /** A fake JDK's bin/java under jdk: a shell script running the command given. */
    private static Path fakeJava(Path jdk, String command) throws Exception {
        Path java = jdk.resolve("bin/java");
        Files.createDirectories(java.getParent());
        Files.writeString(java, "#!/bin/sh\n" + command + "\n");
        java.toFile().setExecutable(true);
        return java;
    }

    /** Runs the launcher (as the command given) with a fake java and jar, no class-data archive: what it printed. */
    private static String launch(Path fakeJava, Path jar, ProcessBuilder pb) throws Exception {
        pb.redirectErrorStream(true);
        pb.environment().put("JAVA", fakeJava.toString());
        pb.environment().put("COLLECTOR_JAR", jar.toString());
        pb.environment().put("COLLECTOR_CDS_ARCHIVE", "off");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertEquals(0, p.waitFor(), out);
        return out;
    }
}
