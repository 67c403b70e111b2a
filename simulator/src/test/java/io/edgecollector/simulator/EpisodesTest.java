package io.edgecollector.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EpisodesTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final long T0 = 1_795_428_000_000L;

    @Test
    void sensor1GoesOverItsMax_inTheSecondQuarter_andSensor2IsSilent_inTheThird() throws Exception {
        List<SensorProfile> profiles = SensorProfile.defaults(3);
        ReadingGenerator g = new ReadingGenerator(profiles, Faults.NONE, 1, true).withEpisodes(new Episodes(Duration.ofSeconds(40)));
        List<String> overBySecond = new ArrayList<>();
        List<Long> sensor2Seconds = new ArrayList<>();
        for (int i = 0; i < 1200; i++) {
            long now = T0 + i * 100L;
            JsonNode m = JSON.readTree(g.next(now).payload());
            long second = (now - T0) / 1000;
            if (m.get("sensor_id").asText().equals("Sensor 1") && m.get("value").asDouble() > profiles.get(0).max()) {
                overBySecond.add(second + "");
            }
            if (m.get("sensor_id").asText().equals("Sensor 2")) {
                sensor2Seconds.add(second);
            }
        }
        assertTrue(overBySecond.stream().allMatch(s -> Long.parseLong(s) % 40 >= 10 && Long.parseLong(s) % 40 < 20),
                overBySecond.toString());
        assertTrue(overBySecond.size() > 20, "over its max for the whole quarter: " + overBySecond.size());
        assertEquals(0, sensor2Seconds.stream().filter(s -> s % 40 >= 20 && s % 40 < 30).count(), "silent in the third quarter");
        assertTrue(sensor2Seconds.stream().anyMatch(s -> s % 40 >= 30), "and heard again after it");
    }
}
