package io.edgecollector.collector.it.endurance;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * What the collector process holds at one moment, as a user with ps and curl would see it:
 * resident memory (/proc/PID/status VmRSS), open file descriptors (/proc/PID/fd), threads, and
 * the backlog of raw lines not yet in PostgreSQL (/metrics; -1 when it does not answer).
 */
record Sample(long second, long pid, long rssKb, int fds, int threads, int mqttThreads, long backlog) {
    static Sample take(long second, long pid, int httpPort) {
        long rss = -1;
        int threads = -1;
        int fds = -1;
        int mqtt = -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) {
                    rss = Long.parseLong(line.replaceAll("\\D", ""));
                } else if (line.startsWith("Threads:")) {
                    threads = Integer.parseInt(line.replaceAll("\\D", ""));
                }
            }
            try (Stream<Path> open = Files.list(Path.of("/proc/" + pid + "/fd"))) {
                fds = (int) open.count();
            }
            try (Stream<Path> tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
                mqtt = (int) tasks.map(Sample::comm).filter(c -> c.startsWith("collector-intak") || c.startsWith("MQTT ")).count();
            }
        } catch (IOException | RuntimeException e) {
            // the process is gone (killed on purpose, say): the sample says -1
        }
        return new Sample(second, pid, rss, fds, threads, mqtt, backlog(httpPort));
    }

    /**
     * A thread's name as the kernel keeps it (its first 15 characters): an MQTT connection's reader is
     * "collector-intak" (collector-intake-N); Paho's, for Sparkplug and alerts, "MQTT Rec: ...", "MQTT Call: ...".
     */
    private static String comm(Path task) {
        try {
            return Files.readString(task.resolve("comm"));
        } catch (IOException e) {
            return ""; // the thread ended meanwhile
        }
    }

    static long backlog(int httpPort) {
        try {
            HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + httpPort + "/metrics").toURL().openConnection();
            c.setConnectTimeout(1000);
            c.setReadTimeout(2000);
            try (InputStream in = c.getInputStream()) {
                for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                    if (line.startsWith("edge_collector_backlog_messages ")) {
                        return (long) Double.parseDouble(line.substring(line.indexOf(' ') + 1).trim());
                    }
                }
            } finally {
                c.disconnect();
            }
        } catch (IOException | RuntimeException e) {
            // not answering (stopped, or starting): -1
        }
        return -1;
    }

    boolean complete() {
        return rssKb >= 0 && fds >= 0 && threads >= 0 && mqttThreads >= 0;
    }

    String line() {
        return String.format("sample t=%ds pid=%d rss=%.1fMB fds=%d threads=%d (mqtt %d) backlog=%d",
                second, pid, rssKb / 1024.0, fds, threads, mqttThreads, backlog);
    }

    /** Least-squares slope per hour of a quantity over the samples (0 with fewer than two). */
    static double slopePerHour(List<Sample> samples, ToDoubleFunction<Sample> value) {
        int n = samples.size();
        if (n < 2) {
            return 0;
        }
        double mx = samples.stream().mapToDouble(Sample::second).average().orElse(0);
        double my = samples.stream().mapToDouble(value).average().orElse(0);
        double sxy = 0;
        double sxx = 0;
        for (Sample s : samples) {
            sxy += (s.second - mx) * (value.applyAsDouble(s) - my);
            sxx += (s.second - mx) * (s.second - mx);
        }
        return sxx == 0 ? 0 : sxy / sxx * 3600;
    }
}
