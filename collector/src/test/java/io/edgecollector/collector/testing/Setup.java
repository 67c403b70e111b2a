package io.edgecollector.collector.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgecollector.collector.Collector;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.simulator.Faults;
import io.edgecollector.simulator.ReadingGenerator;
import io.edgecollector.simulator.RunResult;
import io.edgecollector.simulator.SensorProfile;
import io.edgecollector.simulator.Simulator;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.eclipse.paho.mqttv5.common.MqttException;

/** Common setup of the integration tests: topics of their own, flags, a registry, traffic. */
public final class Setup {
    public static final String SHARED_BROKER = "tcp://127.0.0.1:1883";

    private Setup() {
    }

    /** A topic prefix (and client id stem) no other test uses. */
    public static String prefix() {
        return "it-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** The registry of the simulator's first n sensors. */
    public static Path registry(Path dir, int sensors) throws Exception {
        Path f = dir.resolve("sensors.json");
        Files.writeString(f, ReadingGenerator.registryJson(SensorProfile.defaults(sensors)));
        return f;
    }

    public static Map<String, String> flags(String brokerUrl, String prefix, Path rawDir, Path registry) {
        Map<String, String> f = new LinkedHashMap<>();
        f.put("--broker-url", brokerUrl);
        f.put("--topics", prefix + "/#");
        f.put("--topic-template", prefix + "/{sensor_id}/{metric}");
        f.put("--client-id", prefix + "-collector");
        f.put("--mqtt-session-expiry", "120s");
        f.put("--raw-dir", rawDir.toString());
        f.put("--sensors-file", registry.toString());
        f.put("--batch-size", "200");
        f.put("--flush-interval", "100ms");
        f.put("--db-url", "jdbc:postgresql://127.0.0.1:1/unused");
        return f;
    }

    public static String[] args(String command, Map<String, String> flags) {
        List<String> out = new ArrayList<>(List.of(command));
        flags.forEach((k, v) -> {
            out.add(k);
            out.add(v);
        });
        return out.toArray(String[]::new);
    }

    /** A collector started in this JVM and subscribed (close it when done). */
    public static Collector started(CollectorConfig config, Metrics metrics) throws Exception {
        Collector collector = new Collector(config, metrics, Clock.systemUTC());
        if (!collector.start(Duration.ofSeconds(10))) {
            collector.close();
            throw new IllegalStateException("no broker at " + config.brokerUrl());
        }
        Await.until("subscribed", Duration.ofSeconds(10), collector.status()::isSubscribed);
        return collector;
    }

    /** {@link #publish} in the background. */
    public static CompletableFuture<RunResult> publishAsync(String brokerUrl, String prefix, Faults faults, long count,
                                                            double ratePerSensor) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return publish(brokerUrl, prefix, faults, count, ratePerSensor);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    public static RunResult publish(String brokerUrl, String prefix, Faults faults, long count, double ratePerSensor)
            throws Exception {
        return Simulator.sensors(new Simulator.Target(brokerUrl, prefix + "-sim", 1, null, null, prefix),
                SensorProfile.defaults(5), faults, 7, ratePerSensor, count, Duration.ofMinutes(3), () -> false, io.edgecollector.common.Progress.NONE);
    }

    /** Publishes with mosquitto_pub to the shared broker at QoS 1 (args: -m PAYLOAD, -f FILE, ...). */
    public static void mosquittoPub(String topic, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("mosquitto_pub", "-h", "127.0.0.1", "-p", "1883", "-q", "1", "-t", topic));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }
}
