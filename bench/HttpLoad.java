import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Load generator of bench/http-ingest.sh: CONNECTIONS keep-alive connections, each sending one
 * single-reading POST /ingest after the other (closed loop) for WARMUP + SECONDS seconds; only
 * the last SECONDS are measured. Every reading has a key of its own (sensor http-bench-<c>,
 * ts = base + sequence in ms), so the rows in PostgreSQL must equal the readings accepted.
 * Plain sockets, not java.net.http: on a 2-core box the load generator's own CPU competes with
 * the collector, and a hand-written HTTP/1.1 client costs a fraction of a general one.
 * Usage: java bench/HttpLoad.java URL CONNECTIONS SECONDS WARMUP COLLECTOR_PID [CA_CERT_PEM]
 */
public class HttpLoad {
    record Result(long[] nanos, int count) {
    }

    public static void main(String[] args) throws Exception {
        URI url = URI.create(args[0]);
        int connections = Integer.parseInt(args[1]);
        int seconds = Integer.parseInt(args[2]);
        int warmup = Integer.parseInt(args[3]);
        long pid = Long.parseLong(args[4]);
        SSLContext tls = args.length > 5 ? trusting(Path.of(args[5])) : null;
        long base = System.currentTimeMillis() - 86_400_000L; // yesterday: no future_timestamp flags
        long start = System.nanoTime();
        long measureFrom = start + warmup * 1_000_000_000L;
        long end = measureFrom + seconds * 1_000_000_000L;
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        AtomicLong acceptedReadings = new AtomicLong();
        Result[] results = new Result[connections];
        Thread[] threads = new Thread[connections];
        long[] cpuAtMeasure = new long[1];
        for (int c = 0; c < connections; c++) {
            final int conn = c;
            threads[c] = new Thread(() -> {
                long[] nanos = new long[seconds * 20_000 + 1000];
                int n = 0;
                long seq = 0;
                try (Socket socket = open(url, tls)) {
                    OutputStream out = socket.getOutputStream();
                    InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
                    while (true) {
                        long now = System.nanoTime();
                        if (now >= end) {
                            break;
                        }
                        String body = "{\"sensor_id\":\"http-bench-" + conn + "\",\"metric\":\"temperature\",\"ts\":"
                                + (base + seq++) + ",\"value\":" + (20 + (seq % 100) / 10.0) + ",\"unit\":\"C\"}";
                        byte[] b = body.getBytes(StandardCharsets.UTF_8);
                        String head = "POST " + url.getRawPath() + " HTTP/1.1\r\nHost: " + url.getHost() + "\r\n"
                                + "Content-Type: application/json\r\nContent-Length: " + b.length + "\r\n\r\n";
                        long t0 = System.nanoTime();
                        out.write((head + body).getBytes(StandardCharsets.UTF_8));
                        out.flush();
                        int status = readResponse(in);
                        long t1 = System.nanoTime();
                        statuses.computeIfAbsent(status, k -> new AtomicLong()).incrementAndGet();
                        if (status == 202) {
                            acceptedReadings.incrementAndGet();
                        }
                        if (t0 >= measureFrom && n < nanos.length) {
                            nanos[n++] = t1 - t0;
                        }
                    }
                } catch (IOException e) {
                    System.err.println("connection " + conn + ": " + e);
                }
                results[conn] = new Result(nanos, n);
            }, "load-" + c);
            threads[c].start();
        }
        long sleep = (measureFrom - System.nanoTime()) / 1_000_000;
        if (sleep > 0) {
            Thread.sleep(sleep);
        }
        cpuAtMeasure[0] = cpuTicks(pid);
        for (Thread t : threads) {
            t.join();
        }
        long cpuTicks = cpuTicks(pid) - cpuAtMeasure[0];
        int total = 0;
        for (Result r : results) {
            total += r.count();
        }
        long[] all = new long[total];
        int i = 0;
        for (Result r : results) {
            System.arraycopy(r.nanos(), 0, all, i, r.count());
            i += r.count();
        }
        Arrays.sort(all);
        double rate = total / (double) seconds;
        System.out.printf("requests measured: %d in %d s over %d keep-alive connections%s%n", total, seconds, connections,
                tls != null ? " (TLS)" : "");
        System.out.printf("throughput: %.0f req/s%n", rate);
        System.out.printf("latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", pct(all, 0.50), pct(all, 0.99),
                all.length == 0 ? 0 : all[all.length - 1] / 1e6);
        System.out.printf("collector CPU: %.1f us per request (%.2f cores)%n",
                cpuTicks * 10_000.0 / Math.max(1, total), cpuTicks / 100.0 / seconds);
        System.out.println("statuses (warm-up included): " + new TreeMap<>(statuses.entrySet().stream()
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()))));
        System.out.println("accepted_readings=" + acceptedReadings.get());
    }

    static double pct(long[] sorted, double q) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(q * sorted.length) - 1)] / 1e6;
    }

    /** utime + stime of a process, in clock ticks (1/100 s). */
    static long cpuTicks(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    static Socket open(URI url, SSLContext tls) throws IOException {
        Socket s = tls != null ? tls.getSocketFactory().createSocket() : new Socket();
        s.setTcpNoDelay(true);
        s.connect(new InetSocketAddress(url.getHost(), url.getPort()), 5000);
        s.setSoTimeout(10_000);
        return s;
    }

    /** Reads one response (status line, headers, Content-Length body); returns its status. */
    static int readResponse(InputStream in) throws IOException {
        String status = line(in);
        int code = Integer.parseInt(status.substring(9, 12));
        int length = 0;
        String h;
        while (!(h = line(in)).isEmpty()) {
            if (h.regionMatches(true, 0, "Content-Length:", 0, 15)) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        in.readNBytes(length);
        return code;
    }

    static String line(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder(64);
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    static SSLContext trusting(Path cert) throws Exception {
        KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
        store.load(null, null);
        try (InputStream in = Files.newInputStream(cert)) {
            store.setCertificateEntry("collector", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(store);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return ctx;
    }
}
