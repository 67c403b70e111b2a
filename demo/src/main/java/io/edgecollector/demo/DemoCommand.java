package io.edgecollector.demo;

import io.edgecollector.collector.Collector;
import io.edgecollector.collector.CollectorStatus;
import io.edgecollector.collector.cli.ConfigOptions;
import io.edgecollector.collector.lifecycle.Waits;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.Secret;
import io.edgecollector.collector.config.Setting;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.postgres.Database;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.parse.Quality;
import io.edgecollector.common.MqttTls;
import io.edgecollector.common.Progress;
import io.edgecollector.simulator.Episodes;
import io.edgecollector.simulator.Faults;
import io.edgecollector.simulator.ReadingGenerator;
import io.edgecollector.simulator.RunResult;
import io.edgecollector.simulator.SensorProfile;
import io.edgecollector.simulator.Simulator;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** `demo` (edge-demo.jar): the collector and the simulator together for a while, then a summary. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Runs the collector and the simulator together against the configured broker for a bounded time, "
                + "with a few injected faults, then prints what was published, stored and rejected.",
                "Uses its own MQTT client id (edge-collector-demo) and a short session, so it leaves nothing queued."})
public final class DemoCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--duration", defaultValue = "20s", description = "how long the simulator publishes (default: ${DEFAULT-VALUE})")
    String duration;

    @Option(names = "--sensors", defaultValue = "5", description = "simulated sensors (default: ${DEFAULT-VALUE})")
    int sensors;

    @Option(names = "--rate", defaultValue = "5", description = "readings per second per sensor (default: ${DEFAULT-VALUE})")
    double rate;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<SensorProfile> profiles = SensorProfile.defaults(sensors);
        CollectorConfig config = options.load(demoDefaults(profiles));
        Episodes episodes = new Episodes(io.edgecollector.collector.config.Durations.parse(duration));
        if (config.alertRules().isEmpty() && profiles.size() > 1) {
            Map<Setting, String> defaults = new java.util.HashMap<>(demoDefaults(profiles));
            defaults.put(Setting.ALERTS_FILE, demoRules(profiles, episodes).toString());
            config = options.load(defaults);
        }
        CollectorMetrics metrics = new CollectorMetrics();
        RunResult published;
        Instant started = Instant.now();
        out.println("demo: collector + " + sensors + " simulated sensors at " + rate + "/s each for " + duration);
        out.flush();
        try (DemoServices services = DemoServices.start(config, out);
             Collector collector = new Collector(config, metrics, Clock.systemUTC())) {
            if (!collector.start(Duration.ofSeconds(10))) {
                throw new IllegalStateException("no MQTT broker answers at " + config.brokerUrl()
                        + " (start Mosquitto, or set --broker-url)");
            }
            CollectorStatus status = collector.status();
            Waits.until(status::isSubscribed, Duration.ofSeconds(10));
            Simulator.Target target = new Simulator.Target(config.brokerUrl(), "edge-simulator-demo", 1,
                    config.mqttUsername(), config.mqttPassword().value(), "sensors",
                    new MqttTls.Files(config.caFile(), config.clientCert(), config.clientKey()));
            Faults faults = new Faults(0.03, 0.02, 0.01, 0.01, 0.01);
            published = Simulator.sensors(target, profiles, faults, episodes, 42, rate, 0,
                    io.edgecollector.collector.config.Durations.parse(duration), () -> false, Progress.NONE);
            Waits.until(() -> metrics.acked() >= published.total(), Duration.ofSeconds(15));
            Waits.until(() -> status.isDatabaseReady() && status.backlogBytes() == 0 && metrics.linesLoaded() >= metrics.acked(),
                    Duration.ofSeconds(15));
            printSummary(out, published, metrics, config);
            printAlerts(out, collector, metrics);
            printDatabase(out, config, status.isDatabaseReady(), started, services.embeddedAny());
        }
        return metrics.acked() >= published.total() ? 0 : 1;
    }

    /** The demo's own client id and short session, and a registry of the simulated sensors. */
    private static Map<Setting, String> demoDefaults(List<SensorProfile> profiles) throws IOException {
        Path registry = Files.createTempFile("demo-sensors", ".json");
        registry.toFile().deleteOnExit();
        Files.writeString(registry, ReadingGenerator.registryJson(profiles));
        return Map.of(Setting.CLIENT_ID, "edge-collector-demo",
                Setting.SESSION_EXPIRY, "60s",
                Setting.SENSORS_FILE, registry.toString());
    }

    /**
     * Rules for the simulator's episodes (see Episodes): Sensor 1 above its range's max, and
     * Sensor 2 silent for an eighth of the run (its silent spell lasts a quarter).
     */
    private static Path demoRules(List<SensorProfile> profiles, Episodes episodes) throws IOException {
        Path rules = Files.createTempFile("demo-alerts", ".yaml");
        rules.toFile().deleteOnExit();
        SensorProfile hot = profiles.get(0);
        long silentMs = Math.max(1000, episodes.period().toMillis() / 8);
        Files.writeString(rules, "- {name: over_range, sensors: \"" + hot.id() + "\", metric: " + hot.type()
                + ", above: " + hot.max() + "}\n"
                + "- {name: silent, sensors: \"" + profiles.get(1).id() + "\", silent_for: " + silentMs + "ms}\n");
        return rules;
    }

    /** What fired and resolved during the run, per rule, and what still fires. */
    private static void printAlerts(PrintWriter out, Collector collector, CollectorMetrics m) {
        StringBuilder line = new StringBuilder("alerts:");
        for (var rule : collector.alerting().engine().rules()) {
            line.append(' ').append(rule.name()).append(" fired=").append(m.alertEvents(rule.name(), "firing"))
                    .append(" resolved=").append(m.alertEvents(rule.name(), "resolved"));
        }
        line.append("; firing now=").append(collector.alerting().engine().active().size());
        out.println(line);
        out.flush();
    }

    private static void printDatabase(PrintWriter out, CollectorConfig config, boolean ready, Instant since,
                                      boolean embedded) throws SQLException {
        if (!ready) {
            out.println("postgresql: not reachable at " + Secret.maskUrl(config.dbUrl())
                    + "; everything is in the raw files and loads when it returns");
            out.flush();
            return;
        }
        try (Database db = new Database(config); Connection c = db.pool().getConnection();
             PreparedStatement rows = c.prepareStatement(
                     "SELECT quality, count(*) FROM measurements WHERE received_at >= ? GROUP BY quality ORDER BY quality");
             PreparedStatement rejected = c.prepareStatement("SELECT count(*) FROM rejected_messages WHERE received_at >= ?")) {
            rows.setTimestamp(1, Timestamp.from(since));
            StringBuilder line = new StringBuilder("postgresql (" + Secret.maskUrl(config.dbUrl()) + "): rows by quality:");
            try (ResultSet rs = rows.executeQuery()) {
                while (rs.next()) {
                    line.append(' ').append(rs.getString(1)).append('=').append(rs.getLong(2));
                }
            }
            rejected.setTimestamp(1, Timestamp.from(since));
            try (ResultSet rs = rejected.executeQuery()) {
                rs.next();
                line.append("; rejected_messages=").append(rs.getLong(1));
            }
            try (PreparedStatement alerts = c.prepareStatement("SELECT count(*) FROM alerts WHERE at >= ?")) {
                alerts.setTimestamp(1, Timestamp.from(since));
                try (ResultSet rs = alerts.executeQuery()) {
                    rs.next();
                    line.append("; alerts=").append(rs.getLong(1));
                }
            }
            out.println(line);
            out.println(embedded ? "(embedded services stop with the demo; with Mosquitto and PostgreSQL running, the data stays)"
                    : "try: psql " + psqlTarget(config) + " -c 'SELECT * FROM latest_readings'");
            out.flush();
        }
    }

    private static String psqlTarget(CollectorConfig config) {
        String url = config.dbUrl().replaceFirst("^jdbc:", "").replaceAll("\\?.*$", "");
        return url.replace("postgresql://", "postgresql://" + config.dbUser() + "@");
    }

    private static void printSummary(PrintWriter out, RunResult published, CollectorMetrics m, CollectorConfig config)
            throws IOException {
        out.println("simulator: " + published.summary());
        out.printf("collector: received=%d written_and_acked=%d rejected_messages=%d readings=%d%n",
                m.received(), m.acked(), m.rejectedMessages(), m.readings());
        StringBuilder q = new StringBuilder("readings by quality:");
        for (Quality quality : Quality.values()) {
            q.append(' ').append(quality.label()).append('=').append(m.readings(quality));
        }
        out.println(q);
        for (Path f : RawFiles.list(config.rawDir(), config.instanceId())) {
            long lines;
            try (Stream<String> s = Files.lines(f)) {
                lines = s.count();
            }
            out.printf("raw file: %s (%d lines, %d bytes)%n", f, lines, Files.size(f));
        }
        out.flush();
    }
}
