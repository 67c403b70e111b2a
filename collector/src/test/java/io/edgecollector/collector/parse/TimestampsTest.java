package io.edgecollector.collector.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class TimestampsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static Instant parse(String json) throws Exception {
        JsonNode node = JSON.readTree(json);
        return Timestamps.parse("ts", node);
    }

    @Test
    void epochUnits_areToldApartByMagnitude() throws Exception {
        Instant t = Instant.parse("2026-11-22T10:00:00Z");
        assertEquals(t, parse("1795341600"));
        assertEquals(t, parse("1795341600000"));
        assertEquals(t, parse("1795341600000000"));
        assertEquals(t, parse("1795341600000000000"));
        assertEquals(t.plusMillis(500), parse("1795341600.5"));
        assertEquals(t, parse("\"1795341600\""));
    }

    @Test
    void isoText_needsAnOffset() throws Exception {
        assertEquals(Instant.parse("2026-11-22T10:00:00Z"), parse("\"2026-11-22T10:00:00Z\""));
        assertEquals(Instant.parse("2026-11-22T09:00:00Z"), parse("\"2026-11-22T10:00:00+01:00\""));
        assertEquals(Instant.parse("2026-11-22T10:00:00.123Z"), parse("\"2026-11-22 10:00:00.123Z\""));
        assertEquals("ts '2026-11-22T10:00:00' has no zone offset (add Z or +hh:mm)",
                assertThrows(IllegalArgumentException.class, () -> parse("\"2026-11-22T10:00:00\"")).getMessage());
        assertEquals("ts 'yesterday' is not an ISO-8601 timestamp or epoch number",
                assertThrows(IllegalArgumentException.class, () -> parse("\"yesterday\"")).getMessage());
        assertEquals("ts must be ISO-8601 text or an epoch number, got a boolean",
                assertThrows(IllegalArgumentException.class, () -> parse("true")).getMessage());
    }

    @Test
    void hugeNumbers_areOutOfRange_notACrash() {
        assertThrows(IllegalArgumentException.class, () -> parse("1e300"));
        assertThrows(IllegalArgumentException.class, () -> parse("99999999999999999999999"));
    }
}
