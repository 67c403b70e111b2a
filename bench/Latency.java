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
 * first seen minus its timestamp. Also prints, every 10 s, how far the rows lag behind, the
 * share of the latency before the collector (its received_at), the figures without the first
 * 10 s (a cold JVM and database), and with LATENCY_DETAIL set the worst latency per second.
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
                        () -> false, io.edgecollector.common.Progress.NONE);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        List<Long> latencies = new ArrayList<>();
        List<Long> steady = new ArrayList<>();
        List<Long> toCollector = new ArrayList<>();
        long[] worstBySecond = new long[seconds + 1];
        long start = System.currentTimeMillis();
        long nextReport = start + 10_000;
        // rows received before this run (an earlier run, generated history) are not this run's
        Timestamp seen = Timestamp.from(Instant.ofEpochMilli(start));
        try (Connection c = DriverManager.getConnection(jdbc, "postgres", "");
             PreparedStatement p = c.prepareStatement(
                     "SELECT ts, received_at FROM measurements WHERE received_at > ? ORDER BY received_at")) {
            while (!sim.isDone() || System.currentTimeMillis() - start < (seconds + 10) * 1000L) {
                p.setTimestamp(1, seen);
                long now = System.currentTimeMillis();
                try (ResultSet rs = p.executeQuery()) {
                    while (rs.next()) {
                        latencies.add(now - rs.getTimestamp(1).getTime());
                        toCollector.add(rs.getTimestamp(2).getTime() - rs.getTimestamp(1).getTime());
                        int second = (int) ((rs.getTimestamp(1).getTime() - start) / 1000);
                        if (second >= 0 && second < worstBySecond.length) {
                            worstBySecond[second] = Math.max(worstBySecond[second], now - rs.getTimestamp(1).getTime());
                        }
                        if (rs.getTimestamp(1).getTime() >= start + 10_000) {
                            steady.add(now - rs.getTimestamp(1).getTime());
                        }
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
        if (System.getenv("LATENCY_DETAIL") != null) {
            System.out.println("  worst latency by second of publishing: " + java.util.Arrays.toString(worstBySecond));
        }
        Collections.sort(toCollector);
        if (!toCollector.isEmpty()) {
            System.out.printf("  of which publish-to-collector (its received_at): p50 %d ms, p99 %d ms, max %d ms%n",
                    pct(toCollector, 0.50), pct(toCollector, 0.99), toCollector.get(toCollector.size() - 1));
        }
        Collections.sort(steady);
        if (!steady.isEmpty()) {
            System.out.printf("  after the first 10 s: p50 %d ms, p99 %d ms, max %d ms%n",
                    pct(steady, 0.50), pct(steady, 0.99), steady.get(steady.size() - 1));
        }
    }

    static long pct(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
    }
}
