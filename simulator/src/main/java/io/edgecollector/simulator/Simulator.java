package io.edgecollector.simulator;

import io.edgecollector.common.MqttTls;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import io.edgecollector.common.Progress;
import org.eclipse.paho.mqttv5.common.MqttException;

/** Runs simulated traffic against a broker; used by the command line and by the collector's demo. */
public final class Simulator {
    /** Where and how to publish. */
    public record Target(String brokerUrl, String clientId, int qos, String username, String password,
                         String topicPrefix, MqttTls.Files tls) {
        public Target(String brokerUrl, String clientId, int qos, String username, String password, String topicPrefix) {
            this(brokerUrl, clientId, qos, username, password, topicPrefix, MqttTls.Files.NONE);
        }

        public Target(String brokerUrl, String clientId, int qos, String username, String password) {
            this(brokerUrl, clientId, qos, username, password, "sensors");
        }
    }

    private Simulator() {
    }

    /**
     * Simulated sensors at ratePerSensor readings per second each (0: flood, as fast as the
     * broker takes them), for count messages or for a duration, whichever ends first.
     */
    public static RunResult sensors(Target target, List<SensorProfile> sensors, Faults faults, long seed,
                                    double ratePerSensor, long count, Duration duration,
                                    BooleanSupplier stop, Progress progress)
            throws MqttException, InterruptedException, IOException {
        boolean millis = ratePerSensor <= 0 || ratePerSensor > 1;
        ReadingGenerator generator = new ReadingGenerator(sensors, faults, seed, millis, target.topicPrefix());
        try (Publisher publisher = connect(target)) {
            return Simulation.run(publisher, generator::next, Simulation.steady(ratePerSensor * sensors.size()),
                    count, duration, stop, progress);
        }
    }

    /** Replays a dataset, its recorded spacing divided by speedup (0: as fast as possible). */
    public static RunResult replay(Target target, DatasetReplay replay, double speedup, long count,
                                   Duration duration, BooleanSupplier stop, Progress progress)
            throws MqttException, InterruptedException, IOException {
        try (Publisher publisher = connect(target)) {
            return Simulation.run(publisher, replay::next,
                    k -> speedup <= 0 || k >= replay.size() ? 0 : (long) (replay.offsetMillis((int) k) * 1e6 / speedup),
                    count, duration, stop, progress);
        }
    }

    /** A publisher connected to the target (TLS for ssl:// URLs, from the target's PEM files). */
    public static Publisher connect(Target target) throws MqttException, IOException {
        Publisher publisher = new Publisher(target.brokerUrl(), target.clientId(), target.qos());
        boolean tls = target.brokerUrl().startsWith("ssl://") || target.brokerUrl().startsWith("wss://");
        publisher.connect(target.username(), target.password(), tls ? MqttTls.socketFactory(target.tls()) : null);
        return publisher;
    }
}
