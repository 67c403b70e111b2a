package io.edgecollector.collector.testing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Payloads of every broken kind, as a sensor or an attacker might send them. */
public final class HostileCorpus {
    private HostileCorpus() {
    }

    public static List<byte[]> payloads() {
        long ts = System.currentTimeMillis() / 1000;
        List<String> texts = List.of(
                "", " ", "{", "[", "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":", "null", "true", "\"text\"",
                "[".repeat(500) + "]".repeat(500),
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":NaN,\"ts\":" + ts + "}",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":Infinity,\"ts\":" + ts + "}",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":1e999,\"ts\":" + ts + "}",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":123456789012345678901234567890,\"ts\":" + ts + "}",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":\"12.5\",\"ts\":" + ts + "}",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":\"warm\",\"ts\":" + ts + "}",
                "{\"sensor_id\":\"'); DROP TABLE measurements; --\",\"type\":\"t\",\"value\":1,\"ts\":" + ts + "}",
                "{\"sensor_id\":\"温度計-1 🌡\",\"type\":\"t\",\"value\":1,\"ts\":" + ts + "}",
                "{\"sensor_id\":\"tab\\there\",\"type\":\"t\",\"value\":1,\"ts\":" + ts + "}",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":1,\"unit\":\"C\\u0000\",\"ts\":" + ts + "}",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":1,\"ts\":100000000000}",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":1,\"ts\":\"1900-01-01T00:00:00Z\"}",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":1,\"ts\":\"2999-01-01T00:00:00Z\"}",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":1,\"ts\":\"2015-02-02 14:19:00\"}",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":1,\"value\":2,\"ts\":" + ts + "}",
                "[{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":1,\"ts\":" + ts + "},7,{\"x\":1},\"y\"]",
                "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":1,\"ts\":" + ts + "} trailing",
                "{\"sensor_id\":\"" + "x".repeat(300) + "\",\"type\":\"t\",\"value\":1,\"ts\":" + ts + "}");
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < texts.size(); i++) {
            // its own sensor id per entry: valid entries must not share a key (one key is one row)
            out.add(texts.get(i).replace("\"sensor_id\":\"S\"", "\"sensor_id\":\"S" + i + "\"").getBytes(StandardCharsets.UTF_8));
        }
        out.add(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1});
        out.add(new byte[] {'{', (byte) 0xC3, (byte) 0x28, '}'});
        out.add("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE));
        byte[] big = new byte[1024 * 1024];
        java.util.Arrays.fill(big, (byte) 'a');
        out.add(big);
        return out;
    }
}
