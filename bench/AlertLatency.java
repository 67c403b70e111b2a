import io.edgecollector.simulator.Faults;
import io.edgecollector.simulator.RunResult;
import io.edgecollector.simulator.SensorProfile;
import io.edgecollector.simulator.Simulator;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.paho.mqttv5.client.IMqttMessageListener;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;

/**
 * Publish-to-alert latency: the simulator's load at RATE msg/s over 100 sensors for SECONDS, and
 * beside it a probe sensor publishing 10 readings/s that cross its rule's limit every time
 * (50, 10, 50, ...: each one a firing or a resolved event). A subscriber on alerts/# measures
 * from the probe reading's timestamp (its publish time, ms) to the alert's arrival. PostgreSQL is
 * polled for the probe's rows as well: the readings' own publish-to-queryable latency with
 * alerting on. Usage: java -cp collector/target/collector.jar bench/AlertLatency.java BROKER JDBC RATE SECONDS
 */
public class AlertLatency {
    public static void main(String[] args) throws Exception {
        String broker = args[0];
        String jdbc = args[1];
        double rate = Double.parseDouble(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int sensors = 100;
        List<Long> alerts = Collections.synchronizedList(new ArrayList<>());
        MqttClient sub = new MqttClient(broker, "bench-alerts-sub", new MemoryPersistence());
        sub.connect();
        IMqttMessageListener onAlert = (topic, m) -> {
            if (!m.isRetained()) {
                String body = new String(m.getPayload(), StandardCharsets.UTF_8);
                String ts = body.replaceAll(".*\"reading_ts\":\"([^\"]+)\".*", "$1");
                alerts.add(System.currentTimeMillis() - java.time.Instant.parse(ts).toEpochMilli());
            }
        };
        sub.subscribe(new MqttSubscription[] {new MqttSubscription("alerts/#", 1)}, new IMqttMessageListener[] {onAlert});
        CompletableFuture<RunResult> load = CompletableFuture.supplyAsync(() -> {
            try {
                return Simulator.sensors(new Simulator.Target(broker, "bench-alerts-load", 1, null, null, "bench"),
                        SensorProfile.defaults(sensors), Faults.NONE, 3, rate / sensors, 0, Duration.ofSeconds(seconds),
                        () -> false, io.edgecollector.common.Progress.NONE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<Long> rows = Collections.synchronizedList(new ArrayList<>());
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        Thread poller = pollProbeRows(jdbc, rows, stop);
        MqttClient probe = new MqttClient(broker, "bench-alerts-probe", new MemoryPersistence());
        probe.connect();
        long start = System.currentTimeMillis();
        int sent = 0;
        List<Long> steadyFrom = new ArrayList<>();
        while (System.currentTimeMillis() - start < seconds * 1000L) {
            long now = System.currentTimeMillis();
            String payload = "{\"sensor_id\":\"Probe\",\"type\":\"temperature\",\"value\":" + (sent % 2 == 0 ? 50 : 10)
                    + ",\"timestamp\":" + now + "}";
            probe.publish("bench/Probe/temperature", new MqttMessage(payload.getBytes(StandardCharsets.UTF_8), 1, false, null));
            if (now - start < 10_000) {
                steadyFrom.add(now);
            }
            sent++;
            Thread.sleep(Math.max(1, start + sent * 100L - System.currentTimeMillis()));
        }
        RunResult published = load.get();
        long deadline = System.currentTimeMillis() + 10_000;
        while (alerts.size() < sent && System.currentTimeMillis() < deadline) {
            Thread.sleep(50);
        }
        stop.set(true);
        poller.join();
        System.out.printf("load published %d at %.0f msg/s over %d sensors; probe readings %d, alerts received %d%n",
                published.total(), published.rate(), sensors, sent, alerts.size());
        List<Long> sorted = new ArrayList<>(alerts);
        Collections.sort(sorted);
        report("publish-to-alert (MQTT subscriber)", sorted);
        List<Long> steady = new ArrayList<>(alerts.subList(Math.min(steadyFrom.size(), alerts.size()), alerts.size()));
        Collections.sort(steady);
        report("  after the first 10 s", steady);
        List<Long> rowsSorted = new ArrayList<>(rows);
        Collections.sort(rowsSorted);
        report("probe readings publish-to-queryable (first seen in PostgreSQL)", rowsSorted);
        probe.disconnect();
        sub.disconnect();
    }

    /** Polls PostgreSQL every 20 ms for new probe rows; a row's latency is when it was first seen minus its timestamp. */
    static Thread pollProbeRows(String jdbc, List<Long> out, java.util.concurrent.atomic.AtomicBoolean stop) {
        Thread t = new Thread(() -> {
            try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
                 PreparedStatement p = c.prepareStatement(
                         "SELECT ts FROM measurements WHERE sensor_id = 'Probe' AND ts > ? ORDER BY ts")) {
                java.sql.Timestamp seen = new java.sql.Timestamp(0);
                while (!stop.get()) {
                    p.setTimestamp(1, seen);
                    long now = System.currentTimeMillis();
                    try (ResultSet rs = p.executeQuery()) {
                        while (rs.next()) {
                            out.add(now - rs.getTimestamp(1).getTime());
                            seen = rs.getTimestamp(1);
                        }
                    } catch (java.sql.SQLException e) {
                        // the collector has not created the table yet
                    }
                    Thread.sleep(20);
                }
            } catch (Exception e) {
                System.out.println("polling PostgreSQL failed: " + e);
            }
        }, "poll-probe-rows");
        t.start();
        return t;
    }

    static void report(String what, List<Long> sorted) {
        if (sorted.isEmpty()) {
            System.out.println(what + ": no samples");
            return;
        }
        System.out.printf("%s: n=%d p50 %d ms, p99 %d ms, max %d ms%n", what, sorted.size(), pct(sorted, 0.5),
                pct(sorted, 0.99), sorted.get(sorted.size() - 1));
    }

    static long pct(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
    }
}
