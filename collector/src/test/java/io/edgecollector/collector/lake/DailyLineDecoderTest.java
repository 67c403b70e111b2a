package io.edgecollector.collector.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.rawlog.RawLineCodec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The envelope shortcut gives exactly what the general raw line decoder gives, or leaves the line to it. */
class DailyLineDecoderTest {

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Lines as intake writes them, and lines in every shape near it. */
    static List<byte[]> lines() {
        List<byte[]> lines = new ArrayList<>();
        Instant[] times = {Instant.parse("2026-12-02T00:00:00Z"), Instant.parse("2026-12-02T10:11:12.086400Z"),
                Instant.parse("2026-12-02T23:59:59.999999999Z")};
        String[] topics = {"sensors/Sensor 1/temperature", "sensors/\"quoted\"/t", "capteurs/é/t", "a\\b", "x/\u0001"};
        String[] payloads = {
                "{\"sensor_id\":\"Sensor 1\",\"type\":\"temperature\",\"value\":22.31,\"unit\":\"C\",\"location\":{\"lat\":10.0,\"lng\":10.0},\"timestamp\":1796169600000}",
                "[{\"sensor_id\":\"a\",\"value\":1},{\"sensor_id\":\"b\",\"value\":1e400}]", "17", "-0.5", "\"text\"", "null", "true",
                "{\"device_id\":\"dev-1\",\"ts\":\"2026-11-22T10:00:00Z\",\"temperature_c\":25.5,\"n\":123456789012345678901234567890}",
                "{\"a\":\"\\u00e9\\n\",\"a\":2}", "{}"};
        for (Instant t : times) {
            for (String topic : topics) {
                for (String p : payloads) {
                    for (boolean dup : new boolean[] {false, true}) {
                        for (String error : new String[] {null, "t: value: must be finite"}) {
                            byte[] b = RawLineCodec.encode(t, topic, 1, dup, utf8(p), true, error).bytes();
                            lines.add(java.util.Arrays.copyOf(b, b.length - 1)); // without the newline
                        }
                    }
                }
            }
        }
        String ok = "{\"received_at\":\"2026-12-02T10:00:00Z\",\"topic\":\"t\",\"qos\":1,\"payload\":{\"value\":1}}";
        for (String s : new String[] {ok, ok.replace("\"qos\":1", "\"qos\":0"), ok.replace("\"qos\":1", "\"qos\":2"),
                ok.replace("\"qos\":1", "\"qos\":01"), ok.replace("\"qos\":1", "\"qos\":1.5"), ok.replace("\"qos\":1", "\"qos\":\"1\""),
                ok.replace("\"qos\":1", "\"qos\":12345678901"), ok.replace("2026-12-02T10:00:00Z", "2026-13-02T10:00:00Z"),
                ok.replace("2026-12-02T10:00:00Z", "2026-12-02T10:00:00+01:00"), ok.replace("2026-12-02T10:00:00Z", "yesterday"),
                ok.replace("{\"value\":1}}", "{\"value\":1}} x}"), ok.replace("{\"value\":1}}", "{\"value\":1} {\"value\":2}}"),
                ok.replace("{\"value\":1}}", "{\"value\":1}"), ok.replace("{\"value\":1}}", "{\"value\":{\"x\":1}"),
                ok.replace("{\"value\":1}}", " {\"value\":1} }"), ok.replace("{\"value\":1}}", "{\"value\":1},\"extra\":2}"),
                ok.replace(",\"qos\":1", ""), ok.replace("\"topic\":\"t\"", "\"topic\":null"), ok.replace("\"payload\"", "\"payload_text\""),
                ok.replace("{\"received_at\"", "{ \"received_at\""), ok.replace("\"payload\":{\"value\":1}", "\"payload\":{\"value\":1},\"dup\":true"),
                ok.replace("\"qos\":1", "\"qos\":1,\"dup\":false"), ok.replace("\"qos\":1", "\"qos\":1,\"dup\":true"),
                "{\"received_at\":\"2026-12-02T10:00:00Z\",\"topic\":\"t\",\"qos\":1,\"payload\":}", "}", "{}", ""}) {
            lines.add(utf8(s));
        }
        byte[] badUtf8 = utf8(ok.replace("\"topic\":\"t\"", "\"topic\":\"t?\""));
        badUtf8[badUtf8.length - ok.length() + ok.indexOf("\"topic\":\"t\"") + 10] = (byte) 0xC3; // a lone lead byte
        lines.add(badUtf8);
        return lines;
    }

    @Test
    void everyLineTheShortcutReads_theGeneralDecoderReadsTheSame_andIntakesCleanLinesTakeTheShortcut() {
        int shortcut = 0;
        for (byte[] line : lines()) {
            // padding around the line: offsets are honoured
            byte[] padded = new byte[line.length + 6];
            System.arraycopy(line, 0, padded, 3, line.length);
            padded[0] = '}';
            padded[padded.length - 1] = '{';
            RawMessage fast = DailyLineDecoder.decode(padded, 3, line.length);
            if (fast == null) {
                continue;
            }
            shortcut++;
            RawMessage general;
            try {
                general = RawLineCodec.decode(line, 0, line.length);
            } catch (IOException e) {
                fail("the shortcut read a line the general decoder refuses: " + new String(line, StandardCharsets.UTF_8));
                return;
            }
            assertEquals(general, fast, new String(line, StandardCharsets.UTF_8));
            assertNull(fast.error());
            assertNotNull(fast.payload());
        }
        // 3 times x the 1 topic without escapes or non-ASCII x 9 payloads (all but null) x 2 dup marks, without an error;
        // plus the hand-written variants qos 0, 1, 2, with dup, the payload with spaces around it, and received_at
        // with an offset (the general instant parser accepts it)
        assertEquals(3 * 9 * 2 + 6, shortcut, "clean intake lines take the shortcut");
    }
}
