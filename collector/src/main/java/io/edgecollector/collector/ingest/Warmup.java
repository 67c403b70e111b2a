package io.edgecollector.collector.ingest;

import io.edgecollector.collector.lifecycle.Component;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.rawlog.LineSource;
import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.validate.MessageProcessor;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the message path as intake and the loader run it (decode, map, validate, flag, encode the
 * raw line, read it back; the plain path and the tree path) on synthetic messages of every
 * shape, on a background thread at start. A cold JVM interprets that path at a fraction of its speed and bootstraps the validator on the first
 * message: measured, the first seconds of traffic at 2,000 msg/s then waited over a second at
 * intake. It stops as soon as real messages arrive (they warm the path themselves, and a backlog
 * being drained needs the CPU). Nothing of this reaches the raw files, the metrics or the database.
 * It begins once the gate opens (the broker is served first).
 */
public final class Warmup implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(Warmup.class);
    static final int MESSAGES = 30_000;

    /** Waits until the warm-up may take the CPU. */
    public interface Gate {
        void await() throws InterruptedException;
    }

    private final Thread thread;
    private volatile boolean stopped;

    public Warmup(PayloadDecoder decoder, MessageProcessor processor, BooleanSupplier trafficStarted, Gate gate) {
        this.thread = new Thread(() -> {
            try {
                gate.await();
                run(decoder, processor, MESSAGES, () -> stopped || trafficStarted.getAsBoolean());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "collector-warm-up");
        thread.setDaemon(true);
        thread.setPriority(Thread.MIN_PRIORITY);
    }

    @Override
    public String name() {
        return "warm-up";
    }

    @Override
    public void start() {
        thread.start();
    }

    /** Stops within 256 synthetic messages (a few milliseconds). */
    @Override
    public void stop(Duration timeout) {
        stopped = true;
        if (thread.isAlive()) {
            try {
                thread.join(Math.max(1, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Processes n synthetic messages; returns how many readings they gave (so none of it is dead code). */
    static long run(PayloadDecoder decoder, MessageProcessor processor, int n, BooleanSupplier trafficStarted) {
        long started = System.nanoTime();
        long readings = 0;
        try {
            for (int i = 0; i < n && (i % 256 != 0 || !trafficStarted.getAsBoolean()); i++) {
                Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                String topic = "warm-up/sensor-" + (i % 7) + "/temperature";
                byte[] payload = payload(i, now).getBytes(StandardCharsets.UTF_8);
                Ingestor.Outcome outcome = Ingestor.process(decoder, processor, topic, payload, 1, now);
                MappedMessage mapped = outcome.result();
                readings += mapped.readings().size();
                String error = mapped.rejections().isEmpty() ? null : String.join("; ", mapped.rejections());
                RawLine line = RawLineCodec.encode(now, topic, 1, false, payload, outcome.json(), error);
                RawLineCodec.identity(line.bytes(), 0, line.bytes().length);
                readings += LineSource.process(processor, line.bytes(), 0, line.bytes().length - 1, null, 0)
                        .result().readings().size();
            }
            LOG.debug("event=warmed_up messages={} readings={} ms={}", n, readings, (System.nanoTime() - started) / 1_000_000);
        } catch (IOException | RuntimeException e) {
            LOG.debug("event=warm_up_stopped cause=\"{}\"", e.toString());
        }
        return readings;
    }

    private static String payload(int i, Instant now) {
        double value = 20 + (i % 100) * 0.1;
        return switch (i % 5) {
            case 0 -> String.format(Locale.ROOT, "{\"sensor_id\":\"sensor-%d\",\"metric\":\"temperature\",\"ts\":\"%s\","
                    + "\"value\":%.2f,\"unit\":\"C\",\"location\":{\"lat\":48.1,\"lng\":11.6}}", i % 7, now, value);
            case 1 -> String.format(Locale.ROOT, "{\"device_id\":\"room-%d\",\"ts\":%d,\"temperature\":%.2f,"
                    + "\"humidity\":%.1f,\"co2\":%d}", i % 3, now.toEpochMilli(), value, value * 2, 400 + i % 50);
            case 2 -> String.format(Locale.ROOT, "[{\"sensor_id\":\"s-%d\",\"metric\":\"pressure\",\"ts\":%d,\"value\":%.1f},"
                    + "{\"sensor_id\":\"s-%d\",\"metric\":\"pressure\",\"ts\":%d,\"value\":null}]",
                    i % 5, now.getEpochSecond(), 1000 + value, i % 5, now.getEpochSecond());
            case 3 -> String.format(Locale.ROOT, "%.3f", value);
            default -> i % 10 == 4 ? "{\"sensor_id\":\"broken\"" : String.format(Locale.ROOT,
                    "{\"sensor_id\":\"s\",\"metric\":\"m\",\"ts\":\"%s\",\"value\":\"%.1f\"}", now, value);
        };
    }
}
