package io.edgecollector.simulator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ReadingGeneratorTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void sameSeed_sameMessages() {
        Faults faults = new Faults(0.05, 0.05, 0.05, 0.05, 0.05);
        ReadingGenerator a = new ReadingGenerator(SensorProfile.defaults(5), faults, 7, false);
        ReadingGenerator b = new ReadingGenerator(SensorProfile.defaults(5), faults, 7, false);
        for (int i = 0; i < 500; i++) {
            Message x = a.next(1_795_428_000_000L + i * 200L);
            Message y = b.next(1_795_428_000_000L + i * 200L);
            assertEquals(x.topic(), y.topic());
            assertArrayEquals(x.payload(), y.payload());
        }
    }

    @Test
    void faults_appearAtTheirRates_andHealthyReadingsHaveDistinctKeys() throws Exception {
        ReadingGenerator g = new ReadingGenerator(SensorProfile.defaults(5), new Faults(0.04, 0.03, 0.02, 0.01, 0.01), 42, true);
        Map<Kind, Integer> counts = new EnumMap<>(Kind.class);
        Set<String> keys = new HashSet<>();
        int n = 20_000;
        for (int i = 0; i < n; i++) {
            Message m = g.next(1_795_428_000_000L);
            counts.merge(m.kind(), 1, Integer::sum);
            if (m.kind() != Kind.MALFORMED && m.kind() != Kind.DUPLICATE) {
                JsonNode p = JSON.readTree(m.payload());
                assertTrue(keys.add(p.get("sensor_id").asText() + "|" + p.get("type").asText() + "|" + p.get("timestamp").asLong()),
                        "a healthy reading repeats a key: " + p);
            }
        }
        assertEquals(0.04, counts.get(Kind.OUT_OF_RANGE) / (double) n, 0.01);
        assertEquals(0.03, counts.get(Kind.MALFORMED) / (double) n, 0.01);
        assertEquals(0.02, counts.get(Kind.DUPLICATE) / (double) n, 0.01);
        assertEquals(0.01, counts.get(Kind.LATE) / (double) n, 0.005);
        assertEquals(0.01, counts.get(Kind.UNKNOWN_SENSOR) / (double) n, 0.005);
    }

    @Test
    void shippedRegistry_matchesTheDefaultSensors() throws Exception {
        assertEquals(Files.readString(Path.of("../config/sensors.json")), ReadingGenerator.registryJson(SensorProfile.defaults(5)));
    }
}
