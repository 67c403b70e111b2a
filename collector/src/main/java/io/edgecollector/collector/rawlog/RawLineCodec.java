package io.edgecollector.collector.rawlog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.PlainObject;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Timestamps;
import io.edgecollector.collector.parse.Utf8;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;

/**
 * The raw line format: {"received_at":"...","topic":"...","qos":1,"payload":<JSON as sent>}
 * with "payload_text" (UTF-8 that is not JSON) or "payload_b64" (other bytes) instead of
 * "payload", "error" when the message or some of its items were rejected, and "dup":true when
 * the broker delivered the message again after a reconnect.
 */
public final class RawLineCodec {
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
    private static final ObjectMapper MAPPER = new ObjectMapper(PayloadDecoder.factory().build());

    private RawLineCodec() {
    }

    /**
     * @param payload  the bytes as received
     * @param isJson   whether the payload decoded as JSON, which means UTF-8 text (then it is
     *                 embedded as it was sent, line breaks turned into spaces so the line stays whole)
     * @param error    rejection reasons, or null
     */
    public static RawLine encode(Instant receivedAt, String topic, int qos, byte[] payload, boolean isJson, String error) {
        return encode(receivedAt, topic, qos, false, payload, isJson, error);
    }

    /** As above, marking a message the broker delivered again (MQTT DUP flag) with "dup":true. */
    public static RawLine encode(Instant receivedAt, String topic, int qos, boolean dup, byte[] payload, boolean isJson,
                                 String error) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(payload.length + topic.length() + 96);
        write(out, "{\"received_at\":\"");
        write(out, Timestamps.format(receivedAt));
        write(out, "\",\"topic\":\"");
        out.writeBytes(QUOTE.quoteAsUTF8(topic));
        write(out, "\",\"qos\":");
        write(out, Integer.toString(qos));
        if (dup) {
            write(out, ",\"dup\":true");
        }
        if (isJson) {
            write(out, ",\"payload\":");
            writeSingleLine(out, payload);
        } else {
            String text = Utf8.decodeOrNull(payload);
            if (text != null) {
                write(out, ",\"payload_text\":\"");
                out.writeBytes(QUOTE.quoteAsUTF8(text));
            } else {
                write(out, ",\"payload_b64\":\"");
                write(out, Base64.getEncoder().encodeToString(payload));
            }
            write(out, "\"");
        }
        if (error != null) {
            write(out, ",\"error\":\"");
            out.writeBytes(QUOTE.quoteAsUTF8(error));
            write(out, "\"");
        }
        write(out, "}\n");
        return new RawLine(receivedAt.atZone(ZoneOffset.UTC).toLocalDate(), out.toByteArray());
    }

    private static final byte[] TOPIC_FIELD = "\",\"topic\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] QOS_FIELD = "\",\"qos\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] DUP_FIELD = ",\"dup\":true".getBytes(StandardCharsets.UTF_8);

    /**
     * What makes a message the same message: its line without received_at and the dup mark
     * (topic, QoS, payload, reason), as a 64-bit FNV-1a hash.
     */
    public static long identity(byte[] line, int offset, int length) {
        int end = offset + length;
        int start = indexOf(line, offset, end, TOPIC_FIELD);
        if (start < 0) {
            start = offset;
        }
        // the dup mark stands right after the QoS digits (encode, markRedelivered): looked for
        // there only, not through the payload, which may hold the same bytes
        int dup = -1;
        int qos = indexOf(line, start, end, QOS_FIELD);
        if (qos >= 0) {
            int at = qos + QOS_FIELD.length;
            while (at < end && line[at] >= '0' && line[at] <= '9') {
                at++;
            }
            if (indexOf(line, at, Math.min(end, at + DUP_FIELD.length), DUP_FIELD) == at) {
                dup = at;
            }
        }
        long h = 0xcbf29ce484222325L;
        for (int i = start; i < offset + length; i++) {
            if (i == dup) {
                i += DUP_FIELD.length - 1;
                continue;
            }
            byte b = line[i];
            if (b == '\n') {
                break;
            }
            h = (h ^ (b & 0xff)) * 0x100000001b3L;
        }
        return h;
    }

    /** Where needle first stands in data[from, to), or -1. */
    public static int indexOf(byte[] data, int from, int to, byte[] needle) {
        outer:
        for (int i = from; i <= to - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (data[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    /** The same line with "dup":true after the QoS field. */
    public static RawLine markRedelivered(RawLine line) {
        byte[] b = line.bytes();
        int qos = indexOf(b, 0, b.length, QOS_FIELD);
        int at = qos + QOS_FIELD.length;
        while (at < b.length && b[at] >= '0' && b[at] <= '9') {
            at++;
        }
        byte[] out = new byte[b.length + DUP_FIELD.length];
        System.arraycopy(b, 0, out, 0, at);
        System.arraycopy(DUP_FIELD, 0, out, at, DUP_FIELD.length);
        System.arraycopy(b, at, out, at + DUP_FIELD.length, b.length - at);
        return new RawLine(line.day(), out);
    }

    /** Reads a raw line back; throws IOException for a line that is not a whole raw record. */
    public static RawMessage decode(byte[] line, int offset, int length) throws IOException {
        JsonNode node = MAPPER.readTree(line, offset, length);
        if (node == null || !node.isObject() || !node.hasNonNull("received_at") || !node.hasNonNull("topic")) {
            throw new IOException("not a raw record");
        }
        Instant receivedAt;
        try {
            receivedAt = parseInstant(node.get("received_at").asText());
        } catch (java.time.format.DateTimeParseException e) {
            throw new IOException("bad received_at", e);
        }
        String topic = node.get("topic").asText();
        int qos = node.path("qos").asInt(1);
        boolean dup = node.path("dup").asBoolean(false);
        JsonNode payload = node.get("payload");
        if (payload != null) {
            return new RawMessage(receivedAt, topic, qos, dup, payload, null);
        }
        String error = node.hasNonNull("error") ? node.get("error").asText() : "payload is not JSON";
        return new RawMessage(receivedAt, topic, qos, dup, null, error, binary(node));
    }

    /** A raw line of the common kind, read without building its tree: {@link #decodePlain}. */
    public record PlainLine(Instant receivedAt, String topic, int qos, boolean dup, PlainObject payload) {
    }

    /**
     * A raw line as {@link #decode} reads it, when it is what intake writes for an accepted
     * message of the common shape: its {@link #envelope} and a payload that is a plain object
     * ({@link PlainObject}), read with the streaming parser. Null for any other line (an error
     * field, another payload, anything unexpected): then decode it.
     */
    public static PlainLine decodePlain(byte[] line, int offset, int length) {
        Envelope e = envelope(line, offset, length);
        if (e == null) {
            return null;
        }
        try (JsonParser p = MAPPER.getFactory().createParser(line, e.payloadStart(), e.payloadEnd() - e.payloadStart())) {
            PlainObject payload = PlainObject.read(p);
            return payload == null ? null : new PlainLine(e.receivedAt(), e.topic(), e.qos(), e.dup(), payload);
        } catch (IOException | RuntimeException x) {
            return null;
        }
    }

    /** A raw line's fields before its payload, and where the payload lies: line[payloadStart, payloadEnd). */
    public record Envelope(Instant receivedAt, String topic, int qos, boolean dup, int payloadStart, int payloadEnd) {
    }

    private static final byte[] ENVELOPE_RECEIVED_AT = "{\"received_at\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENVELOPE_TOPIC = "\",\"topic\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ENVELOPE_PAYLOAD = ",\"payload\":".getBytes(StandardCharsets.US_ASCII);

    /**
     * The envelope of a line in the exact shape intake writes when the message had a JSON payload
     * and no rejection ({@code {"received_at":"...","topic":"...","qos":N,["dup":true,]"payload":...}}),
     * taken from its known places instead of being parsed; null for anything else about the line
     * (an escape or non-ASCII text in the topic, other fields, another order), which
     * {@link #decode} reads. The payload is not checked.
     */
    public static Envelope envelope(byte[] line, int offset, int length) {
        int end = offset + length;
        if (length < 2 || line[end - 1] != '}' || !at(line, offset, end, ENVELOPE_RECEIVED_AT)) {
            return null;
        }
        int p = offset + ENVELOPE_RECEIVED_AT.length;
        int q = plainString(line, p, end);
        if (q < 0 || !at(line, q, end, ENVELOPE_TOPIC)) {
            return null;
        }
        String receivedAt = new String(line, p, q - p, StandardCharsets.ISO_8859_1);
        p = q + ENVELOPE_TOPIC.length;
        q = plainString(line, p, end);
        if (q < 0 || !at(line, q, end, QOS_FIELD)) {
            return null;
        }
        String topic = new String(line, p, q - p, StandardCharsets.ISO_8859_1);
        p = q + QOS_FIELD.length;
        int qos = 0;
        int digits = 0;
        while (p < end && line[p] >= '0' && line[p] <= '9' && digits < 9) {
            qos = qos * 10 + (line[p++] - '0');
            digits++;
        }
        if (digits == 0 || (digits > 1 && line[p - digits] == '0')) {
            return null;
        }
        boolean dup = at(line, p, end, DUP_FIELD);
        if (dup) {
            p += DUP_FIELD.length;
        }
        if (!at(line, p, end, ENVELOPE_PAYLOAD)) {
            return null;
        }
        try {
            return new Envelope(parseInstant(receivedAt), topic, qos, dup, p + ENVELOPE_PAYLOAD.length, end - 1);
        } catch (java.time.DateTimeException e) {
            return null;
        }
    }

    /** Whether line[from, ...) starts with token. */
    private static boolean at(byte[] line, int from, int end, byte[] token) {
        return end - from >= token.length && java.util.Arrays.equals(line, from, from + token.length, token, 0, token.length);
    }

    /**
     * Where the JSON string starting at from ends (its closing quote), or -1 if it has an escape,
     * a control character or a byte outside ASCII (then the general decoder checks its UTF-8).
     */
    private static int plainString(byte[] line, int from, int end) {
        for (int i = from; i < end; i++) {
            byte b = line[i];
            if (b == '"') {
                return i;
            }
            if (b == '\\' || b < 0x20) { // negative: not ASCII
                return -1;
            }
        }
        return -1;
    }

    /**
     * Instant.parse, with the fast path for what {@link #encode} writes (Instant.toString()) in
     * {@link Timestamps#utcOrNull}: Instant.parse's general formatter was 30% of compaction's
     * decoding. Anything else, or an impossible date, goes to Instant.parse (which accepts or
     * refuses it as before).
     */
    public static Instant parseInstant(String s) {
        Instant fast = Timestamps.utcOrNull(s);
        return fast != null ? fast : Instant.parse(s);
    }

    /** The bytes of a payload that was not JSON, exactly as received. */
    private static byte[] binary(JsonNode node) throws IOException {
        if (node.hasNonNull("payload_b64")) {
            try {
                return Base64.getDecoder().decode(node.get("payload_b64").asText());
            } catch (IllegalArgumentException e) {
                throw new IOException("bad payload_b64", e);
            }
        }
        return node.hasNonNull("payload_text") ? node.get("payload_text").asText().getBytes(StandardCharsets.UTF_8) : null;
    }

    /** The payload of a raw line as text, for storing with a rejection. */
    public static String payloadText(byte[] line, int offset, int length) throws IOException {
        JsonNode node = MAPPER.readTree(line, offset, length);
        if (node.has("payload")) {
            return node.get("payload").toString();
        }
        if (node.has("payload_text")) {
            return node.get("payload_text").asText();
        }
        return "base64:" + node.path("payload_b64").asText();
    }

    /** Writes the JSON with its line breaks as spaces; in one copy when it has none, as most payloads. */
    private static void writeSingleLine(ByteArrayOutputStream out, byte[] json) {
        for (int i = 0; i < json.length; i++) {
            if (json[i] == '\n' || json[i] == '\r') {
                byte[] copy = json.clone();
                for (int k = i; k < copy.length; k++) {
                    if (copy[k] == '\n' || copy[k] == '\r') {
                        copy[k] = ' ';
                    }
                }
                out.writeBytes(copy);
                return;
            }
        }
        out.writeBytes(json);
    }

    private static void write(ByteArrayOutputStream out, String ascii) {
        out.writeBytes(ascii.getBytes(StandardCharsets.UTF_8));
    }
}
