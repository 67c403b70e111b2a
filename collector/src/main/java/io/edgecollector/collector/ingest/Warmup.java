package io.edgecollector.collector.ingest;

import io.edgecollector.collector.lifecycle.Component;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.TopicTemplate;
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
    static final int MESSAGES = 100_000;

    /** Waits until the warm-up may take the CPU. */
    public interface Gate {
        void await() throws InterruptedException;
    }

    private final Thread thread;
    private volatile boolean stopped;

    /**
     * @param template the configured topic template: most synthetic messages come on topics it
     *                 matches, as real ones do (a warm-up whose topics never matched had its
     *                 compiled mapping thrown away at the first real message)
     */
    public Warmup(PayloadDecoder decoder, MessageProcessor processor, TopicTemplate template,
                  BooleanSupplier trafficStarted, Gate gate) {
        this.thread = new Thread(() -> {
            try {
                gate.await();
                run(decoder, processor, template, MESSAGES, () -> stopped || trafficStarted.getAsBoolean());
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

    /** Messages run on one thread; the next ones run on a fresh thread (see {@link #run}). */
    static final int CHUNK = 10_000;

    /**
     * Processes n synthetic messages; returns how many readings they gave (so none of it is dead
     * code). They run CHUNK at a time, each chunk on a thread of its own: intake parses on its
     * own thread, where Jackson's per-thread buffers are new, and a warm-up that ran on one
     * thread only had never taken that path once compiled (JFR: the first real message trapped
     * in the compiled parser, which was compiled again during the first burst).
     */
    static long run(PayloadDecoder decoder, MessageProcessor processor, TopicTemplate template, int n,
                    BooleanSupplier trafficStarted) {
        long started = System.nanoTime();
        long[] readings = {0};
        boolean[] more = {true};
        for (int from = 0; from < n && more[0]; from += CHUNK) {
            int first = from;
            int end = Math.min(n, from + CHUNK);
            more[0] = false; // unless the chunk runs to its end (an Error on it stops the warm-up too)
            Thread chunk = new Thread(() -> more[0] = run(decoder, processor, template, first, end, trafficStarted, readings),
                    "collector-warm-up-" + from / CHUNK);
            chunk.setDaemon(true);
            chunk.setPriority(Thread.MIN_PRIORITY);
            chunk.start();
            try {
                chunk.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return readings[0];
            }
        }
        LOG.debug("event=warmed_up readings={} ms={}", readings[0], (System.nanoTime() - started) / 1_000_000);
        return readings[0];
    }

    /** Messages [from, end); false when it stopped early (traffic started, or the path failed). */
    private static boolean run(PayloadDecoder decoder, MessageProcessor processor, TopicTemplate template, int from,
                               int end, BooleanSupplier trafficStarted, long[] readings) {
        try {
            for (int i = from; i < end; i++) {
                if (i % 256 == 0 && trafficStarted.getAsBoolean()) {
                    return false;
                }
                Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
                String topic = "warm-up/sensor-" + (i % 7) + "/temperature";
                if (i % 4 != 3) {
                    String matching = template.example("Sensor " + (i % 7), i % 3 == 0 ? "temperature" : "co2");
                    topic = processor.isStateful(matching) ? topic : matching; // a Sparkplug template: no state touched
                }
                byte[] payload = payload(i, now).getBytes(StandardCharsets.UTF_8);
                Ingestor.Outcome outcome = Ingestor.process(decoder, processor, topic, payload, 1, now);
                MappedMessage mapped = outcome.result();
                readings[0] += mapped.readings().size();
                String error = mapped.rejections().isEmpty() ? null : String.join("; ", mapped.rejections());
                RawLine line = RawLineCodec.encode(now, topic, 1, false, payload, outcome.json(), error);
                RawLineCodec.identity(line.bytes(), 0, line.bytes().length);
                readings[0] += LineSource.process(processor, line.bytes(), 0, line.bytes().length - 1, null, 0)
                        .result().readings().size();
            }
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.debug("event=warm_up_stopped cause=\"{}\"", e.toString());
            return false;
        }
    }

    private static final String[] IDS = {"sensor_id", "device_id", "sensor", "id"};
    private static final String[] METRICS = {"metric", "type"};
    /** Prefixes of names the parser has not seen (short, medium and long), and what they hold. */
    private static final String[] UNSEEN_NAMES = {"x", "extra_", "calibration_offset_"};
    private static final String[] UNSEEN_VALUES = {"1", "\"v\"", "true", "false", "0"};

    /**
     * The shapes intake meets, most of them the plain objects real sensors send, with the field
     * names the mapper knows in turn, timestamps as text, epoch milliseconds and seconds, values
     * of every numeric form, and now and then a field the parser has not seen (its symbol table
     * then misses, as it does for each new site's names). A warm-up that only ever saw a few names and one
     * number form had its compiled parser thrown away at the first real message (JFR: the
     * unstable_if traps in Jackson's name lookup and number parsing), and the first burst paid
     * the compiling again.
     */
    static String payload(int i, Instant now) {
        double value = 20 + (i % 100) * 0.1;
        int shape = i % 10;
        if (shape < 6) {
            return plain(i, now, value);
        }
        return switch (shape) {
            case 6 -> String.format(Locale.ROOT, "{\"device_id\":\"room-%d\",\"ts\":%d,\"temperature\":%.2f,"
                    + "\"humidity\":%.1f,\"co2\":%d}", i % 3, now.toEpochMilli(), value, value * 2, 400 + i % 50);
            case 7 -> String.format(Locale.ROOT, "[{\"sensor_id\":\"s-%d\",\"metric\":\"pressure\",\"ts\":%d,\"value\":%.1f},"
                    + "{\"sensor_id\":\"s-%d\",\"metric\":\"pressure\",\"ts\":%d,\"value\":null}]",
                    i % 5, now.getEpochSecond(), 1000 + value, i % 5, now.getEpochSecond());
            case 8 -> String.format(Locale.ROOT, "%.3f", value);
            default -> i % 20 == 9 ? "{\"sensor_id\":\"broken\"" : String.format(Locale.ROOT,
                    "{\"sensor_id\":\"s\",\"metric\":\"m\",\"ts\":\"%s\",\"value\":\"%.1f\"}", now, value);
        };
    }

    /** A plain object: one reading, its names and forms varying with i. */
    private static String plain(int i, Instant now, double value) {
        StringBuilder b = new StringBuilder(200).append('{');
        b.append('"').append(IDS[(i / 10) % IDS.length]).append("\":\"Sensor ").append(i % 7).append("\",");
        b.append('"').append(METRICS[(i / 40) % METRICS.length]).append("\":\"").append(i % 3 == 0 ? "temperature" : "co2")
                .append("\",");
        b.append("\"value\":").append(number(i, value)).append(',');
        if (i % 4 != 3) {
            b.append("\"unit\":\"").append(i % 2 == 0 ? "C" : "ppm").append("\",");
        }
        switch ((i / 7) % 3) {
            case 0 -> b.append("\"location\":{\"lat\":").append(coordinate(i + 1, 90)).append(",\"lng\":")
                    .append(coordinate(i + 2, 180)).append("},");
            case 1 -> b.append("\"latitude\":").append(coordinate(i + 3, 90)).append(",\"longitude\":")
                    .append(coordinate(i + 4, 180)).append(',');
            default -> { }
        }
        if (i % 3 == 1) { // a name the parser has not seen (short, medium or long), as a new site's first messages have
            b.append('"').append(UNSEEN_NAMES[(i / 3) % UNSEEN_NAMES.length]).append(i % 4_001).append("\":")
                    .append(UNSEEN_VALUES[(i / 3) % UNSEEN_VALUES.length]).append(',');
        }
        switch ((i / 3) % 3) {
            case 0 -> b.append("\"ts\":\"").append(now).append('"');
            case 1 -> b.append("\"timestamp\":").append(now.toEpochMilli());
            default -> b.append("\"time\":").append(now.getEpochSecond()).append('.').append(i % 1000);
        }
        return b.append('}').toString();
    }

    /**
     * A value in one of the forms numbers take, starting with every digit in turn (the parser
     * branches on a number's first character): decimals of a few or many digits, integers,
     * zero point something, negatives, exponents.
     */
    static String number(int i, double value) {
        double spread = (i * 7_919L % 100_000) / 100.0; // 0.00 to 999.99, every leading digit
        return switch (i % 7) {
            case 0 -> String.format(Locale.ROOT, "%.2f", spread);
            case 1 -> Long.toString(i * 7_919L % 100_000);
            case 2 -> Double.toString(-spread / 3);
            case 3 -> String.format(Locale.ROOT, "%.3e", spread * 1e-4);
            case 4 -> Double.toString(spread * Math.PI * 1e6);
            case 5 -> Double.toString(spread / 1_000);
            default -> String.format(Locale.ROOT, "%.1f", value);
        };
    }

    /** A coordinate within plus or minus limit, in one of the number forms, every leading digit in turn. */
    static String coordinate(int i, int limit) {
        double c = (i * 7_919L % (limit * 100L)) / 100.0;
        return switch (i % 4) {
            case 0 -> String.format(Locale.ROOT, "%.2f", c);
            case 1 -> Long.toString((long) c);
            case 2 -> Double.toString(-c / 3);
            default -> Double.toString(c / 1_000 * Math.PI);
        };
    }
}
