package io.edgecollector.collector.lake;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.rawlog.RawLineCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * Reads back a daily raw line in the exact shape intake writes it when the message had a JSON
 * payload and no rejection ({@code {"received_at":"...","topic":"...","qos":N,["dup":true,]"payload":...}}),
 * building a JSON tree of the payload only: the envelope's fields are taken from their known
 * places instead of being parsed into a tree of their own (that tree was about a third of a
 * compaction worker's decoding). Anything else about the line (an escape or non-ASCII text in the topic, other
 * fields, another order, a payload that is not one whole JSON value) returns null, and the
 * caller decodes the line with {@link RawLineCodec#decode}, so a line gives the same message
 * either way (LinePipelineTest compares both on every shape).
 */
final class DailyLineDecoder {
    private static final ObjectReader PAYLOAD = new ObjectMapper().reader()
            .with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final byte[] RECEIVED_AT = bytes("{\"received_at\":\"");
    private static final byte[] TOPIC = bytes("\",\"topic\":\"");
    private static final byte[] QOS = bytes("\",\"qos\":");
    private static final byte[] DUP = bytes(",\"dup\":true");
    private static final byte[] PAYLOAD_FIELD = bytes(",\"payload\":");

    private DailyLineDecoder() {
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    /** The message of line[offset, offset + length), or null when the line is not in that exact shape. */
    static RawMessage decode(byte[] line, int offset, int length) {
        int end = offset + length;
        if (length < 2 || line[end - 1] != '}' || !at(line, offset, end, RECEIVED_AT)) {
            return null;
        }
        int p = offset + RECEIVED_AT.length;
        int q = plainString(line, p, end);
        if (q < 0 || !at(line, q, end, TOPIC)) {
            return null;
        }
        String receivedAt = new String(line, p, q - p, StandardCharsets.ISO_8859_1);
        p = q + TOPIC.length;
        q = plainString(line, p, end);
        if (q < 0 || !at(line, q, end, QOS)) {
            return null;
        }
        String topic = new String(line, p, q - p, StandardCharsets.ISO_8859_1);
        p = q + QOS.length;
        int qos = 0;
        int digits = 0;
        while (p < end && line[p] >= '0' && line[p] <= '9' && digits < 9) {
            qos = qos * 10 + (line[p++] - '0');
            digits++;
        }
        if (digits == 0 || (digits > 1 && line[p - digits] == '0')) {
            return null;
        }
        boolean dup = at(line, p, end, DUP);
        if (dup) {
            p += DUP.length;
        }
        if (!at(line, p, end, PAYLOAD_FIELD)) {
            return null;
        }
        p += PAYLOAD_FIELD.length;
        Instant at;
        JsonNode payload;
        try {
            at = RawLineCodec.parseInstant(receivedAt);
            payload = PAYLOAD.readTree(line, p, end - 1 - p);
        } catch (IOException | RuntimeException e) {
            return null; // the general decoder says what is wrong
        }
        if (payload == null || payload.isMissingNode() || payload.isNull()) {
            return null;
        }
        return new RawMessage(at, topic, qos, dup, payload, null);
    }

    /** Whether line[from, ...) starts with token. */
    private static boolean at(byte[] line, int from, int end, byte[] token) {
        if (end - from < token.length) {
            return false;
        }
        for (int i = 0; i < token.length; i++) {
            if (line[from + i] != token[i]) {
                return false;
            }
        }
        return true;
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
}
