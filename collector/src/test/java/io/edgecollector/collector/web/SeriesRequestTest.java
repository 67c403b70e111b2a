package io.edgecollector.collector.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesRequestTest {
    private static final Instant NOW = Instant.parse("2026-12-02T12:00:00Z");

    @Test
    void noRange_meansTheLastHour_inMinutes() {
        SeriesRequest r = SeriesRequest.parse(Map.of("sensor_id", "s 1", "metric", "temperature"), NOW);
        assertEquals(NOW.minus(Duration.ofHours(1)), r.from());
        assertEquals(NOW, r.to());
        assertFalse(r.hourly());
        assertFalse(r.capped());
    }

    @Test
    void sevenDays_comeInHours_andEpochSecondsOrIsoBothWork() {
        SeriesRequest r = SeriesRequest.parse(Map.of("sensor_id", "s", "metric", "m",
                "from", Long.toString(NOW.minus(Duration.ofDays(7)).getEpochSecond()), "to", NOW.toString()), NOW);
        assertTrue(r.hourly());
        assertEquals(NOW.minus(Duration.ofDays(7)), r.from());
        SeriesRequest day = SeriesRequest.parse(Map.of("sensor_id", "s", "metric", "m",
                "from", NOW.minus(Duration.ofHours(24)).toString()), NOW);
        assertFalse(day.hourly(), "24 h is 1,440 one-minute points");
    }

    @Test
    void aYear_isCappedTo31Days() {
        SeriesRequest r = SeriesRequest.parse(Map.of("sensor_id", "s", "metric", "m",
                "from", NOW.minus(Duration.ofDays(365)).toString(), "to", NOW.toString()), NOW);
        assertTrue(r.capped());
        assertEquals(NOW.minus(SeriesRequest.MAX_SPAN), r.from());
    }

    @Test
    void badQuestions_sayWhatIsWrong() {
        assertEquals("sensor_id is required", assertThrows(IllegalArgumentException.class,
                () -> SeriesRequest.parse(Map.of("metric", "m"), NOW)).getMessage());
        assertEquals("from must be before to", assertThrows(IllegalArgumentException.class,
                () -> SeriesRequest.parse(Map.of("sensor_id", "s", "metric", "m", "from", NOW.toString(),
                        "to", NOW.toString()), NOW)).getMessage());
        assertTrue(assertThrows(IllegalArgumentException.class,
                () -> SeriesRequest.parse(Map.of("sensor_id", "s", "metric", "m", "from", "yesterday"), NOW))
                .getMessage().startsWith("from must be ISO-8601"));
    }
}
