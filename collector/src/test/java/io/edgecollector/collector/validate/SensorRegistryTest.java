package io.edgecollector.collector.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.edgecollector.collector.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SensorRegistryTest {
    static String load(Path dir, String json) throws Exception {
        Path f = dir.resolve("sensors.json");
        Files.writeString(f, json);
        return assertThrows(ConfigException.class, () -> SensorRegistry.load(f, Validators.create()))
                .getMessage().replace(f.toString(), "F");
    }

    @Test
    void shippedRegistry_loads() {
        SensorRegistry r = SensorRegistry.load(Path.of("../config/sensors.json"), Validators.create());
        assertEquals(5, r.size());
        assertEquals(45.0, r.find("Sensor 1").range().max());
    }

    @Test
    void badFiles_stopWithTheFileAndEntryNamed(@TempDir Path dir) throws Exception {
        assertEquals("sensors_file F: sensor 'a': range.min 5.0 is above range.max 1.0",
                load(dir, "{\"sensors\":[{\"id\":\"a\",\"range\":{\"min\":5,\"max\":1}}]}"));
        assertEquals("sensors_file F: sensor id 'a' appears twice",
                load(dir, "{\"sensors\":[{\"id\":\"a\"},{\"id\":\"a\"}]}"));
        assertEquals("sensors_file F: sensors: 'sensors' list is missing", load(dir, "{}"));
        assertEquals("sensors_file F: sensors[0].id: id must not be empty", load(dir, "{\"sensors\":[{\"type\":\"t\"}]}"));
        assertEquals("sensors_file " + dir.resolve("nope.json") + ": file not found or not readable",
                assertThrows(ConfigException.class, () -> SensorRegistry.load(dir.resolve("nope.json"), Validators.create())).getMessage());
    }
}
