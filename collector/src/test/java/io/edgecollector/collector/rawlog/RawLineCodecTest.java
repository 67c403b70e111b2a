package io.edgecollector.collector.rawlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgecollector.collector.parse.RawMessage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class RawLineCodecTest {
    static final Instant AT = Instant.parse("2026-11-22T23:59:59.123456Z");

    static String text(RawLine line) {
        return new String(line.bytes(), StandardCharsets.UTF_8);
    }

    static RawMessage roundTrip(RawLine line) throws IOException {
        return RawLineCodec.decode(line.bytes(), 0, line.bytes().length - 1);
    }

    @Test
    void jsonPayload_isEmbeddedAsSent_onOneLine() throws IOException {
        byte[] payload = "{\"sensor_id\":\"S\",\n \"value\":23.40}".getBytes(StandardCharsets.UTF_8);
        RawLine line = RawLineCodec.encode(AT, "sensors/S/t", 1, payload, true, null);
        assertEquals("{\"received_at\":\"2026-11-22T23:59:59.123456Z\",\"topic\":\"sensors/S/t\",\"qos\":1,"
                + "\"payload\":{\"sensor_id\":\"S\",  \"value\":23.40}}\n", text(line));
        assertEquals(LocalDate.parse("2026-11-22"), line.day());
        RawMessage back = roundTrip(line);
        assertEquals(23.40, back.payload().get("value").asDouble());
        assertEquals(AT, back.receivedAt());
        assertNull(back.error());
    }

    @Test
    void textAndBinaryPayloads_areKept_withTheirReason() throws IOException {
        RawLine t = RawLineCodec.encode(AT, "a/\"b\"", 0, "reboot\n".getBytes(StandardCharsets.UTF_8), false, "not JSON: x");
        assertEquals("{\"received_at\":\"2026-11-22T23:59:59.123456Z\",\"topic\":\"a/\\\"b\\\"\",\"qos\":0,"
                + "\"payload_text\":\"reboot\\n\",\"error\":\"not JSON: x\"}\n", text(t));
        assertEquals("not JSON: x", roundTrip(t).error());
        RawLine b = RawLineCodec.encode(AT, "a", 1, new byte[] {(byte) 0xff, 0}, false, "not JSON: y");
        assertEquals("base64:/wA=", RawLineCodec.payloadText(b.bytes(), 0, b.bytes().length - 1));
    }

    @Test
    void redelivery_isMarkedDup() throws IOException {
        RawLine line = RawLineCodec.encode(AT, "a", 1, true, "1".getBytes(StandardCharsets.UTF_8), true, null);
        assertEquals("{\"received_at\":\"2026-11-22T23:59:59.123456Z\",\"topic\":\"a\",\"qos\":1,\"dup\":true,\"payload\":1}\n",
                text(line));
        assertEquals(true, roundTrip(line).dup());
    }

    static long identity(RawLine line) {
        return RawLineCodec.identity(line.bytes(), 0, line.bytes().length);
    }

    @Test
    void identity_skipsTheDupMarkOnly_notTheSameBytesInAPayload() {
        byte[] plain = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] withDup = "{\"a\":1,\"dup\":true}".getBytes(StandardCharsets.UTF_8);
        RawLine first = RawLineCodec.encode(AT, "a", 1, plain, true, null);
        assertEquals(identity(first), identity(RawLineCodec.markRedelivered(first)));
        assertEquals(identity(first), identity(RawLineCodec.encode(AT.plusSeconds(5), "a", 1, true, plain, true, null)));
        RawLine other = RawLineCodec.encode(AT, "a", 1, withDup, true, null);
        org.junit.jupiter.api.Assertions.assertNotEquals(identity(first), identity(other), "another payload, another message");
        assertEquals(identity(other), identity(RawLineCodec.markRedelivered(other)));
        org.junit.jupiter.api.Assertions.assertNotEquals(identity(first),
                identity(RawLineCodec.encode(AT, "a", 0, plain, true, null)), "another QoS, another message");
    }

    @Test
    void tornLine_isNotARecord() {
        byte[] torn = "{\"received_at\":\"2026-11-22T23:59:59Z\",\"topic\":\"a\",\"pay".getBytes(StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> RawLineCodec.decode(torn, 0, torn.length));
    }

    @Test
    void receivedAt_fastParse_agreesWithInstantParse_andRefusesWhatItRefuses() {
        java.util.Random random = new java.util.Random(42);
        for (int i = 0; i < 100_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_000_000_000L, 250_000_000_000L), random.nextInt(1_000_000_000));
            Instant truncated = switch (i % 4) {
                case 0 -> t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
                case 1 -> t.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
                case 2 -> t.truncatedTo(java.time.temporal.ChronoUnit.MICROS);
                default -> t;
            };
            assertEquals(truncated, RawLineCodec.parseInstant(truncated.toString()), truncated.toString());
        }
        for (String s : new String[] {"2026-12-02T10:00:00.5Z", "2026-12-02T10:00:00.12Z", "2024-02-29T23:59:59.999999999Z",
                "2026-12-02T10:00:00+01:00", "2026-12-02T10:00Z", "2026-12-02T24:00:00Z", "2026-12-02T10:00:00.Z",
                "2026-02-31T10:00:00Z", "2026-13-01T10:00:00Z", "2026-12-02T10:60:00Z", "2026-12-02T10:00:00.1234567890Z",
                "2026-12-0xT10:00:00Z", "2026-12-02 10:00:00Z", "2025-02-29T10:00:00Z", ""}) {
            assertEquals(parsedOrRefused(() -> Instant.parse(s)), parsedOrRefused(() -> RawLineCodec.parseInstant(s)), s);
        }
        assertEquals("refused", parsedOrRefused(() -> RawLineCodec.parseInstant("2026-02-31T10:00:00Z")));
    }

    static String parsedOrRefused(java.util.function.Supplier<Instant> parse) {
        try {
            return parse.get().toString();
        } catch (java.time.format.DateTimeParseException e) {
            return "refused";
        }
    }
}
