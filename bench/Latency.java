import io.edgecollector.simulator.Faults;
import io.edgecollector.simulator.RunResult;
import io.edgecollector.simulator.SensorProfile;
import io.edgecollector.simulator.Simulator;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Publish-to-queryable latency: publishes RATE msg/s for SECONDS (timestamps are the publish
 * time, in milliseconds) while polling PostgreSQL every 20 ms; a row's latency is when it was
 * first seen minus its timestamp. Also prints, every 10 s, how far the rows lag behind.
 * Usage: java -cp collector/target/collector.jar bench/Latency.java BROKER_URL JDBC_URL RATE SECONDS
 */
public class Latency {
    public static void main(String[] args) throws Exception {
        String broker = args[0];
        String jdbc = args[1];
        double rate = Double.parseDouble(args[2]);
        int seconds = Integer.parseInt(args[3]);
        int sensors = 5;
        CompletableFuture<RunResult> sim = CompletableFuture.supplyAsync(() -> {
            try {
                return Simulator.sensors(new Simulator.Target(broker, "bench-latency-pub", 1, null, null, "bench"),
                        SensorProfile.defaults(sensors), Faults.NONE, 3, rate / sensors, 0, Duration.ofSeconds(seconds),
                        () -> false, io.edgecollector.progress.Progress.NONE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<Long> latencies = new ArrayList<>();
        long start = System.currentTimeMillis();
        long nextReport = start + 10_000;
        Timestamp seen = Timestamp.from(Instant.EPOCH);
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
             PreparedStatement p = c.prepareStatement(
                     "SELECT ts, received_at FROM measurements WHERE received_at > ? ORDER BY received_at")) {
            while (!sim.isDone() || System.currentTimeMillis() - start < (seconds + 10) * 1000L) {
                p.setTimestamp(1, seen);
                long now = System.currentTimeMillis();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        latencies.add(now - rs.getTimestamp(1).getTime());
                        seen = rs.getTimestamp(2);
                    }
                }
                if (now >= nextReport) {
                    long expected = (long) ((now - start) / 1000.0 * rate);
                    System.out.printf("t=%3ds rows=%d (published about %d)%n", (now - start) / 1000, latencies.size(), expected);
                    nextReport += 10_000;
                }
                if (sim.isDone() && latencies.size() >= sim.get().total()) {
                    break;
                }
                Thread.sleep(20);
            }
        }
        RunResult published = sim.get();
        Collections.sort(latencies);
        System.out.printf("published %d at %.0f msg/s; rows seen %d%n", published.total(), published.rate(), latencies.size());
        if (!latencies.isEmpty()) {
            System.out.printf("publish-to-queryable latency: p50 %d ms, p99 %d ms, max %d ms%n",
                    pct(latencies, 0.50), pct(latencies, 0.99), latencies.get(latencies.size() - 1));
        }
    }

    static long pct(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
    }
}
