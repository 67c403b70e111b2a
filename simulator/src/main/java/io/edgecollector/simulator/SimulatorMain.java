package io.edgecollector.simulator;

import io.edgecollector.common.MqttTls;
import io.edgecollector.common.Progress;
import io.edgecollector.simulator.sparkplug.SparkplugEdgeNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Command line of the simulator: simulated sensors, a flood for benchmarks, or a dataset replay. */
@Command(name = "simulator", mixinStandardHelpOptions = true, version = "edge-collector simulator 0.1.0",
        description = "Publishes simulated sensor readings to an MQTT broker.",
        footer = {"", "Examples:",
                "  java -jar simulator.jar                                  5 sensors, 1 reading/s each, until Ctrl-C",
                "  java -jar simulator.jar --count 200000                   flood: as fast as the broker takes it",
                "  java -jar simulator.jar --malformed 0.05 --duplicate 0.02 --duration 60s",
                "  java -jar simulator.jar --replay datatest.txt --speedup 600"})
public final class SimulatorMain implements Callable<Integer> {
    @Option(names = "--broker-url", defaultValue = "${env:SIMULATOR_BROKER_URL:-tcp://127.0.0.1:1883}",
            description = "MQTT broker URL (default: ${DEFAULT-VALUE}; env SIMULATOR_BROKER_URL)")
    String brokerUrl;

    @Option(names = "--client-id", defaultValue = "edge-simulator", description = "MQTT client id (default: ${DEFAULT-VALUE})")
    String clientId;

    @Option(names = "--username", defaultValue = "${env:SIMULATOR_MQTT_USERNAME}", description = "MQTT user name (env SIMULATOR_MQTT_USERNAME)")
    String username;

    @Option(names = "--password", defaultValue = "${env:SIMULATOR_MQTT_PASSWORD}", description = "MQTT password (env SIMULATOR_MQTT_PASSWORD)")
    String password;

    @Option(names = "--ca-file", description = "PEM CA certificate to trust for ssl:// brokers (default: the JVM's trust store)")
    Path caFile;

    @Option(names = "--client-cert", description = "PEM client certificate, for brokers that require one")
    Path clientCert;

    @Option(names = "--client-key", description = "PKCS#8 PEM private key of --client-cert")
    Path clientKey;

    @Option(names = "--topic-prefix", defaultValue = "sensors",
            description = "first topic level; readings go to <prefix>/<sensor id>/<type> (default: ${DEFAULT-VALUE})")
    String topicPrefix;

    @Option(names = "--sensors", defaultValue = "5", description = "number of sensors (default: ${DEFAULT-VALUE})")
    int sensors;

    @Option(names = "--rate", description = "readings per second per sensor; 0 = as fast as the broker takes them "
            + "(default: 1, or 0 with --count)")
    Double rate;

    @Option(names = "--count", defaultValue = "0",
            description = "stop after this many messages; without --rate this is the flood mode (as fast as possible)")
    long count;

    @Option(names = "--duration", description = "stop after this long (e.g. 30s, 5m)")
    String duration;

    @Option(names = "--qos", defaultValue = "1", description = "MQTT QoS 0, 1 or 2 (default: ${DEFAULT-VALUE})")
    int qos;

    @Option(names = "--seed", defaultValue = "42", description = "random seed (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out-of-range", defaultValue = "0", description = "fraction of readings outside the sensor's range")
    double outOfRange;

    @Option(names = "--malformed", defaultValue = "0", description = "fraction of malformed messages")
    double malformed;

    @Option(names = "--duplicate", defaultValue = "0", description = "fraction of messages sent twice")
    double duplicate;

    @Option(names = "--late", defaultValue = "0", description = "fraction of readings stamped two hours late")
    double late;

    @Option(names = "--unknown-sensor", defaultValue = "0", description = "fraction of readings from unregistered sensors")
    double unknownSensor;

    @Option(names = "--episodes", description = "every PERIOD (e.g. 2m): Sensor 1 goes above its range's max in the "
            + "second quarter and Sensor 2 falls silent in the third, to see alerts fire and resolve")
    String episodes;

    @Option(names = "--replay", description = "replay a CSV dataset (occupancy layout) instead of simulating sensors")
    Path replay;

    @Option(names = "--speedup", defaultValue = "60", description = "replay speed-up; 0 = as fast as possible (default: ${DEFAULT-VALUE})")
    double speedup;

    @Option(names = "--device-id", defaultValue = "occupancy-room", description = "device id of replayed rows (default: ${DEFAULT-VALUE})")
    String deviceId;

    @Option(names = "--dataset-offset", defaultValue = "+01:00", description = "UTC offset of the dataset's local times (default: ${DEFAULT-VALUE})")
    String datasetOffset;

    @Option(names = "--keep-timestamps", description = "replay with the recorded timestamps instead of stamping rows as they are sent")
    boolean keepTimestamps;

    @Option(names = "--sparkplug", description = "act as a Sparkplug B edge node with two devices (Press, Oven) instead of JSON sensors")
    boolean sparkplug;

    @Option(names = "--sparkplug-group", defaultValue = "Plant1", description = "Sparkplug group id (default: ${DEFAULT-VALUE})")
    String sparkplugGroup;

    @Option(names = "--sparkplug-node", defaultValue = "Line1", description = "Sparkplug edge node id (default: ${DEFAULT-VALUE})")
    String sparkplugNode;

    @Option(names = "--sparkplug-metrics", defaultValue = "5", description = "metrics per device (default: ${DEFAULT-VALUE})")
    int sparkplugMetrics;

    @Option(names = "--seq-gap-every", defaultValue = "0",
            description = "skip a Sparkplug seq number every N data messages, to provoke a rebirth request (0: never)")
    int seqGapEvery;

    @Option(names = "--write-registry", description = "write the sensor registry JSON matching the simulated sensors to this file, then exit")
    Path writeRegistry;

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        return new CommandLine(new SimulatorMain()).execute(args);
    }

    @Override
    public Integer call() throws Exception {
        List<SensorProfile> profiles = SensorProfile.defaults(sensors);
        if (writeRegistry != null) {
            Files.writeString(writeRegistry, ReadingGenerator.registryJson(profiles));
            System.out.println("wrote " + writeRegistry + " (" + profiles.size() + " sensors)");
            return 0;
        }
        Duration limit = duration == null ? null : parseDuration(duration);
        AtomicBoolean stop = new AtomicBoolean();
        if (sparkplug) {
            return sparkplug(limit, stop);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop.set(true), "simulator-stop"));
        Simulator.Target target = new Simulator.Target(brokerUrl, clientId, qos, username, password, topicPrefix,
                new MqttTls.Files(caFile, clientCert, clientKey));
        RunResult result;
        if (replay != null) {
            DatasetReplay data = DatasetReplay.load(replay, deviceId, ZoneOffset.of(datasetOffset), keepTimestamps,
                    topicPrefix);
            System.out.println("replaying " + data.size() + " rows of " + replay + " at " + speedup + "x to " + brokerUrl);
            long total = limit != null ? 0 : count > 0 ? Math.min(count, data.size()) : data.size();
            try (Progress progress = Progress.start("replay", Progress.Unit.MESSAGES, total)) {
                result = Simulator.replay(target, data, speedup, count, limit, stop::get, progress);
            }
        } else {
            double perSensor = rate != null ? rate : count > 0 ? 0 : 1;
            Faults faults = new Faults(outOfRange, malformed, duplicate, late, unknownSensor);
            System.out.println("publishing " + profiles.size() + " sensors at " + (perSensor > 0 ? perSensor + "/s each" : "full speed")
                    + " to " + brokerUrl);
            try (Progress progress = Progress.start("publish", Progress.Unit.MESSAGES, limit == null ? Math.max(0, count) : 0)) {
                Episodes e = episodes == null ? Episodes.NONE : new Episodes(parseDuration(episodes));
                result = Simulator.sensors(target, profiles, faults, e, seed, perSensor, count, limit, stop::get, progress);
            }
        }
        System.out.println(result.summary());
        return result.failed() == 0 ? 0 : 1;
    }

    /** The Sparkplug mode: births, then data; killed, its will (NDEATH) takes it offline. */
    private int sparkplug(Duration limit, AtomicBoolean stop) throws Exception {
        double perSecond = rate != null ? rate : count > 0 ? 0 : 1;
        // the bdSeq of this session: a new one per start, as a node counts its connections
        long bdSeq = (System.currentTimeMillis() / 1000) % 256;
        try (SparkplugEdgeNode edge = new SparkplugEdgeNode(brokerUrl, sparkplugGroup, sparkplugNode, sparkplugMetrics, bdSeq, seed)) {
            edge.connect(username, password);
            System.out.println("sparkplug edge node " + sparkplugGroup + "/" + sparkplugNode + " (devices "
                    + SparkplugEdgeNode.DEVICES + ", bdSeq " + bdSeq + ") publishing to " + brokerUrl);
            long sent = edge.run(count, perSecond, seqGapEvery, limit, stop::get);
            System.out.println("published " + sent + " DDATA; answered " + edge.rebirths() + " rebirth requests");
        }
        return 0;
    }

    static Duration parseDuration(String text) {
        try {
            return parseDurationOrThrow(text.trim());
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("--duration '" + text + "' is not a duration (examples: 30s, 5m, 1h)");
        }
    }

    private static Duration parseDurationOrThrow(String t) {
        if (t.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2)));
        }
        long n = Long.parseLong(t.substring(0, t.length() - 1));
        return switch (t.charAt(t.length() - 1)) {
            case 's' -> Duration.ofSeconds(n);
            case 'm' -> Duration.ofMinutes(n);
            case 'h' -> Duration.ofHours(n);
            default -> throw new NumberFormatException(t);
        };
    }
}
