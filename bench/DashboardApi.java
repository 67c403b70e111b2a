import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;

/**
 * Response times of the dashboard's /api/ calls, one client asking in turn as the page does:
 * after WARMUP calls of each, N calls of each, a random sensor for every series call.
 * Prints p50 / p99 / max in milliseconds and the size of one answer.
 * Usage: java bench/DashboardApi.java BASE_URL SENSORS N
 */
public class DashboardApi {
    private static final int WARMUP = 30;

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int sensors = Integer.parseInt(args[1]);
        int n = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newHttpClient();
        Random random = new Random(7);
        Map<String, Supplier<String>> calls = new LinkedHashMap<>();
        calls.put("/api/status", () -> "/api/status");
        calls.put("/api/sensors", () -> "/api/sensors");
        for (String[] range : new String[][] {{"1h", "3600"}, {"24h", "86400"}, {"7d", "604800"}}) {
            calls.put("/api/series " + range[0], () -> {
                long to = Instant.now().getEpochSecond();
                return String.format("/api/series?sensor_id=sensor-%03d&metric=temperature&from=%d&to=%d",
                        1 + random.nextInt(sensors), to - Long.parseLong(range[1]), to);
            });
        }
        System.out.printf("%-18s %8s %8s %8s %10s%n", "call", "p50 ms", "p99 ms", "max ms", "bytes");
        for (Map.Entry<String, Supplier<String>> call : calls.entrySet()) {
            List<Double> ms = new ArrayList<>();
            int bytes = 0;
            for (int i = 0; i < WARMUP + n; i++) {
                HttpRequest request = HttpRequest.newBuilder(URI.create(base + call.getValue().get()))
                        .timeout(Duration.ofSeconds(10)).build();
                long t0 = System.nanoTime();
                HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                double took = (System.nanoTime() - t0) / 1e6;
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(call.getKey() + " answered " + r.statusCode() + ": "
                            + new String(r.body()));
                }
                if (i >= WARMUP) {
                    ms.add(took);
                    bytes = r.body().length;
                }
            }
            Collections.sort(ms);
            System.out.printf("%-18s %8.1f %8.1f %8.1f %10d%n", call.getKey(), ms.get(ms.size() / 2),
                    ms.get((int) Math.ceil(ms.size() * 0.99) - 1), ms.get(ms.size() - 1), bytes);
        }
    }
}
