package io.edgecollector.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the connection reads from a broker's answers, byte by byte as MQTT 5 lays them out. */
class MqttConnectionTest {
    private static void string(ByteArrayOutputStream b, String s) {
        byte[] v = s.getBytes(StandardCharsets.UTF_8);
        b.write(v.length >>> 8);
        b.write(v.length);
        b.writeBytes(v);
    }

    /** A property block of every kind the broker may send in a CONNACK, lengths prefixed. */
    private static byte[] connackProperties() {
        ByteArrayOutputStream p = new ByteArrayOutputStream();
        p.write(0x11); // session expiry interval, four bytes
        p.writeBytes(new byte[] {0, 0, 1, 0});
        p.write(0x21); // receive maximum, two bytes
        p.writeBytes(new byte[] {0, 20});
        p.write(0x24); // maximum QoS, one byte
        p.write(1);
        p.write(0x12); // assigned client identifier, a string
        string(p, "auto-1");
        p.write(0x26); // user property, a pair of strings
        string(p, "k");
        string(p, "v");
        p.write(0x13); // server keep alive
        p.writeBytes(new byte[] {0, 60});
        p.write(0x1F); // reason string
        string(p, "maintenance");
        p.write(0x16); // authentication data, binary
        string(p, "xyz");
        ByteArrayOutputStream block = new ByteArrayOutputStream();
        int length = p.size();
        block.write(length); // under 128: one byte
        block.writeBytes(p.toByteArray());
        block.write(0x42); // the byte after the block
        return block.toByteArray();
    }

    @Test
    void aPropertyBlock_keepsServerKeepAliveAndReasonString_andSkipsEveryOtherByItsType() {
        MqttCodec.Reader r = new MqttCodec.Reader(connackProperties());
        MqttCodec.Properties p = r.properties();
        assertEquals(60, p.serverKeepAlive);
        assertEquals(" (maintenance)", p.why());
        assertEquals(0x42, r.u8(), "the block ends where its length says");
        assertEquals(0, r.remaining());
    }

    @Test
    void aTruncatedOrUnknownProperty_isAMalformedPacket_notAWrongRead() {
        byte[] truncated = {5, 0x13, 0};
        assertEquals("malformed packet from the broker: 5 bytes needed, 2 left",
                assertThrows(IllegalStateException.class, () -> new MqttCodec.Reader(truncated).properties()).getMessage());
        byte[] unknown = {2, 0x7F, 0};
        assertEquals("malformed packet from the broker: unknown property 127",
                assertThrows(IllegalStateException.class, () -> new MqttCodec.Reader(unknown).properties()).getMessage());
    }

    @Test
    void aSubackRefusingSomeFilters_namesEachWithItsReason() {
        assertEquals(java.util.List.of("b/# (not authorized (0x87))", "c (unspecified error (0x80))"),
                MqttConnection.refusals(java.util.List.of("a/#", "b/#", "c"), new int[] {1, 0x87}, true),
                "a missing code counts as a refusal");
        assertEquals(java.util.List.of(), MqttConnection.refusals(java.util.List.of("a", "b"), new int[] {1, 1}, true));
        assertEquals(java.util.List.of("a (granted QoS 0 only: not acknowledged after the fsync, a crash may lose its messages)"),
                MqttConnection.refusals(java.util.List.of("a", "b"), new int[] {0, 1}, true));
        assertEquals(java.util.List.of(), MqttConnection.refusals(java.util.List.of("a", "b"), new int[] {0, 0x11}, false),
                "an UNSUBACK's 0 is success, 0x11 no subscription existed");
    }

    @Test
    void reasonCodes_readAsTheSpecificationNamesThem() {
        assertEquals("not authorized (0x87)", ReasonCodes.describe(0x87));
        assertEquals("session taken over (0x8E)", ReasonCodes.describe(0x8E));
        assertEquals("unknown reason (0xFE)", ReasonCodes.describe(0xFE));
    }
}
