package io.edgecollector.collector.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class PayloadDecoderTest {
    final PayloadDecoder decoder = new PayloadDecoder(1024);

    PayloadDecoder.Decoded decode(String s) {
        return decoder.decode(s.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void acceptsOneJsonValue() {
        assertNotNull(decode("{\"a\":1}").json());
        assertNotNull(decode(" 42 ").json());
    }

    @Test
    void rejectsWithSpecificReasons() {
        assertEquals("payload is empty", decoder.decode(new byte[0]).error());
        assertEquals("payload too large: 2000 bytes (max_payload_bytes 1024)", decoder.decode(new byte[2000]).error());
        assertTrue(decode("{\"a\":1} trailing").error().startsWith("not JSON: "));
        assertTrue(decode("{\"a\":1,\"a\":2}").error().contains("Duplicate field 'a'"), decode("{\"a\":1,\"a\":2}").error());
        assertTrue(decode("[".repeat(100) + "]".repeat(100)).error().contains("nesting depth"));
        assertNull(decoder.decode(new byte[] {(byte) 0xC3, (byte) 0x28}).json());
    }
}
