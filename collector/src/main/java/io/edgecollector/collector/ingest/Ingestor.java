package io.edgecollector.collector.ingest;

import io.edgecollector.collector.buffer.BatchWriter;
import io.edgecollector.collector.buffer.Pending;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.PlainObject;
import io.edgecollector.collector.parse.Processed;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.RejectReason;
import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.validate.MessageProcessor;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Handles one received message: decode, map and validate it (so rejections carry their reason
 * in the raw line and the counters are live), encode its raw line and hand it to the writer.
 */
public final class Ingestor {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestor.class);
    private static final long REJECTION_LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final int REJECTIONS_LOGGED_PER_INTERVAL = 20;
    /**
     * What intake made of a message rides along to the loader only for lines up to this size:
     * the readings of a large array payload take several times its bytes on the heap, and a
     * queue full of them must not outgrow a small heap. Larger lines the loader reads back.
     */
    static final int HAND_OVER_MAX_BYTES = 16 * 1024;

    /** Where a handled message goes: the writer, which makes it durable and then acknowledges it. */
    public interface Handoff {
        /** Returns false when the message was not taken (the collector is stopping). */
        boolean submit(Pending pending) throws InterruptedException;
    }

    private final PayloadDecoder decoder;
    private final MessageProcessor processor;
    private final Handoff writer;
    private final Metrics metrics;
    private final Clock clock;
    private final RedeliveryDetector redeliveries;
    private final AtomicLong windowStart = new AtomicLong();
    private final AtomicLong loggedInWindow = new AtomicLong();
    private volatile boolean received;

    public Ingestor(PayloadDecoder decoder, MessageProcessor processor, BatchWriter writer, Metrics metrics, Clock clock,
                    RedeliveryDetector redeliveries) {
        this(decoder, processor, (Handoff) writer::submit, metrics, clock, redeliveries);
    }

    public Ingestor(PayloadDecoder decoder, MessageProcessor processor, Handoff writer, Metrics metrics, Clock clock,
                    RedeliveryDetector redeliveries) {
        this.redeliveries = redeliveries;
        this.decoder = decoder;
        this.processor = processor;
        this.writer = writer;
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Returns false when the message was not taken (the collector is stopping); it stays unacknowledged. */
    public boolean handle(String topic, byte[] payload, int qos, Pending.Ack ack) throws InterruptedException {
        Intake in = intake(topic, payload, qos);
        RawLine line = in.line();
        long identity = RawLineCodec.identity(line.bytes(), 0, line.bytes().length);
        boolean dup = qos > 0 && redeliveries.received(identity);
        if (dup) {
            metrics.messageRedelivered();
            line = RawLineCodec.markRedelivered(line);
        }
        // the detector learns whether the acknowledgement went out: one that did not, or went
        // out just before the connection dropped, leaves the message expected again
        Pending.Ack acknowledge = qos == 0 ? ack : () -> {
            boolean sent = ack.ack();
            redeliveries.acknowledged(identity, sent);
            return sent;
        };
        return writer.submit(new Pending(line, processed(in, line, topic, dup), acknowledge, System.nanoTime()));
    }

    /** One message of a waiting sender (HTTP), ready for {@link BatchWriter#offer}, and what it became. */
    public record Prepared(Pending pending, MappedMessage result) {
        /** Readings the message gave (0 when it could not be read at all). */
        public int accepted() {
            return result == null ? 0 : result.readings().size();
        }

        /** Rejection reasons (one for a message that could not be read at all). */
        public java.util.List<String> rejections() {
            return result == null ? java.util.List.of("internal error") : result.rejections();
        }
    }

    /**
     * Decodes, maps and checks one message of a waiting sender (an HTTP request) as
     * {@link #handle} does, without handing it over: the sender hands all of a request's messages
     * to the writer together ({@link BatchWriter#offer}). No redelivery marking: such a sender
     * is answered, not redelivered to.
     */
    public Prepared prepare(String topic, byte[] payload, Pending.Ack ack, Pending.Request request) {
        Intake in = intake(topic, payload, HTTP_QOS);
        return new Prepared(new Pending(in.line(), processed(in, in.line(), topic, false), ack, System.nanoTime(), request),
                in.result());
    }

    /** The qos recorded in the raw line of a message that came by HTTP: delivered at least once, answered after fsync. */
    static final int HTTP_QOS = 1;

    private record Intake(Instant receivedAt, RawLine line, MappedMessage result) {
    }

    private Intake intake(String topic, byte[] payload, int qos) {
        Instant receivedAt = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (!received) { // written once: a volatile store per message would be needless on the hot path
            received = true;
        }
        metrics.messageReceived();
        MappedMessage result;
        RawLine line;
        try {
            Outcome outcome = process(decoder, processor, topic, payload, qos, receivedAt);
            result = outcome.result();
            line = encode(topic, payload, qos, receivedAt, outcome.json(), outcome.decodeReason(), result);
        } catch (RuntimeException e) {
            LOG.error("event=internal_error topic=\"{}\" cause=\"{}\"", topic, e.toString(), e);
            result = null;
            line = RawLineCodec.encode(receivedAt, topic, qos, false, payload, false, "internal error: " + e);
            metrics.messageRejected(RejectReason.INTERNAL);
        }
        return new Intake(receivedAt, line, result);
    }

    /** What a payload gave: the result, whether it was JSON, and why not when it was not. */
    record Outcome(MappedMessage result, boolean json, RejectReason decodeReason) {
    }

    /**
     * Decodes, maps and checks a payload as intake does (the warm-up runs the same): the common
     * shape without building its tree; anything else, and every payload with a rejection, on the
     * tree path, which names what is wrong.
     */
    static Outcome process(PayloadDecoder decoder, MessageProcessor processor, String topic, byte[] payload, int qos,
                           Instant receivedAt) {
        PlainObject plain = decoder.plain(payload);
        MappedMessage result = plain == null ? null : processor.processPlain(plain, topic, receivedAt);
        if (result != null) {
            return new Outcome(result, true, null);
        }
        PayloadDecoder.Decoded decoded = decoder.decode(payload);
        result = processor.process(new RawMessage(receivedAt, topic, qos, false, decoded.json(), decoded.error(),
                decoded.json() == null ? payload : null));
        return new Outcome(result, decoded.json() != null, decoded.reason());
    }

    /**
     * What rides along to the loader, or null: a stateful protocol's line is read back by the
     * loader at its place in the log (its meaning depends on the lines before it there, which
     * intake's newest state only mirrors).
     */
    private Processed processed(Intake in, RawLine line, String topic, boolean dup) {
        return in.result() == null || line.bytes().length > HAND_OVER_MAX_BYTES || processor.isStateful(topic)
                ? null : new Processed(in.receivedAt(), topic, dup, in.result());
    }

    /** Whether any message has arrived yet. */
    public boolean hasReceived() {
        return received;
    }

    private RawLine encode(String topic, byte[] payload, int qos, Instant receivedAt, boolean json, RejectReason decodeReason,
                           MappedMessage result) {
        for (Reading r : result.readings()) {
            metrics.readingAccepted(r.quality());
        }
        String error = null;
        if (!result.rejections().isEmpty()) {
            error = String.join("; ", result.rejections());
            // a binary protocol's payload is not JSON by design: its mapper's reason counts
            metrics.messageRejected(decodeReason != null && !processor.isStateful(topic) ? decodeReason : result.reason());
            logRejection(topic, error);
        }
        return RawLineCodec.encode(receivedAt, topic, qos, false, payload, json, error);
    }

    private void logRejection(String topic, String error) {
        long now = System.nanoTime();
        long start = windowStart.get();
        if (now - start > REJECTION_LOG_INTERVAL_NANOS && windowStart.compareAndSet(start, now)) {
            loggedInWindow.set(0);
        }
        if (loggedInWindow.incrementAndGet() <= REJECTIONS_LOGGED_PER_INTERVAL) {
            LOG.warn("event=rejected topic=\"{}\" reason=\"{}\"", topic, error);
        }
    }
}
