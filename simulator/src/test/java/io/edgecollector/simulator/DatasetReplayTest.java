package io.edgecollector.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReplayTest {
    @Test
    void rows_becomeDeviceMessages_withRecordedSpacing(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("d.txt");
        Files.writeString(csv, """
                "Date","Temperature","Humidity","Light","CO2","HumidityRatio","Occupancy"
                "2015-02-04 17:51:00",23.18,27.272,426,721.25,0.00479298817650529,1
                "2015-02-04 17:51:59",23.15,27.2675,429.5,714,0.00478344094931065,1
                """);
        DatasetReplay replay = DatasetReplay.load(csv, "room", ZoneOffset.ofHours(1), true, "sensors");
        assertEquals(2, replay.size());
        assertEquals(59_000, replay.offsetMillis(1));
        Message m = replay.next(0);
        assertEquals("sensors/room", m.topic());
        JsonNode p = new ObjectMapper().readTree(m.payload());
        assertEquals("2015-02-04T16:51:00Z", p.get("ts").asText());
        assertEquals(721.25, p.get("co2").asDouble());
        assertEquals(0.00479298817650529, p.get("humidity_ratio").asDouble());
        replay.next(0);
        assertNull(replay.next(0));
        DatasetReplay live = DatasetReplay.load(csv, "room", ZoneOffset.ofHours(1), false, "sensors");
        assertEquals("1970-01-01T00:00:01Z", new ObjectMapper().readTree(live.next(1000).payload()).get("ts").asText());
        assertEquals("1970-01-01T00:00:01.001Z", new ObjectMapper().readTree(live.next(1000).payload()).get("ts").asText(),
                "rows sent in the same millisecond still get distinct timestamps");
    }
}
