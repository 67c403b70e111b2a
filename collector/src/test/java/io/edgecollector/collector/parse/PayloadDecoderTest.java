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
        assertEquals("not JSON: payload is not UTF-8 text", decoder.decode(new byte[] {(byte) 0xC3, (byte) 0x28}).error());
        byte[] utf16 = "{\"a\":1}".getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
        assertNull(decoder.decode(utf16).json(), "JSON in UTF-16 cannot be embedded in a UTF-8 raw line");
        byte[] bom = {(byte) 0xFF, (byte) 0xFE, 0, 1};
        assertEquals("not JSON: payload is not UTF-8 text", decoder.decode(bom).error());
    }
}
