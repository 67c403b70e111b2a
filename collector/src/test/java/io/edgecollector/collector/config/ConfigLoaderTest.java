package io.edgecollector.collector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    @Test
    void defaults_workWithLocalServices() {
        CollectorConfig c = CollectorConfig.defaults();
        assertEquals("tcp://127.0.0.1:1883", c.brokerUrl());
        assertEquals(List.of("sensors/#"), c.topics());
        assertEquals("jdbc:postgresql://127.0.0.1:5432/iot", c.dbUrl());
        assertEquals(Path.of("data/raw"), c.rawDir());
        assertEquals(Duration.ofMillis(100), c.flushInterval());
        assertEquals(9180, c.httpPort());
        assertEquals("value", c.defaultMetric());
    }

    @Test
    void flagsOverrideEnvironment_whichOverridesTheFile(@TempDir Path dir) throws Exception {
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, """
                broker:
                  url: tcp://file:1883
                topics: [a/#, b/+/c]
                batch_size: 10
                flush_interval: 2s
                db:
                  user: file_user
                """);
        CollectorConfig c = ConfigLoader.load(yaml,
                Map.of("COLLECTOR_BATCH_SIZE", "20", "COLLECTOR_DB_USER", "env_user", "PATH", "/bin"),
                Map.of("--batch-size", "30"));
        assertEquals("tcp://file:1883", c.brokerUrl());
        assertEquals(List.of("a/#", "b/+/c"), c.topics());
        assertEquals(30, c.batchSize());
        assertEquals("env_user", c.dbUser());
        assertEquals(Duration.ofSeconds(2), c.flushInterval());
        assertTrue(c.describe().contains("batch_size = 30  (flag --batch-size)"), c.describe());
        assertTrue(c.describe().contains("db.user = env_user  (env COLLECTOR_DB_USER)"), c.describe());
    }

    @Test
    void badValues_nameTheKeyTheValueAndTheSource(@TempDir Path dir) throws Exception {
        assertEquals("flush_interval='fast' is not a duration (examples: 250ms, 5s, 10m, 1h, 7d) (from env COLLECTOR_FLUSH_INTERVAL)",
                assertThrows(ConfigException.class,
                        () -> ConfigLoader.load(null, Map.of("COLLECTOR_FLUSH_INTERVAL", "fast"), Map.of())).getMessage());
        assertEquals("topics='a/#/b' has an invalid filter 'a/#/b': '+' must fill a whole level and '#' must be the last level (from flag --topics)",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(), Map.of("--topics", "a/#/b"))).getMessage());
        assertEquals("instance_id='a/b' must be at most 64 letters, digits, '-' or '_' (it becomes part of file names) (from flag --instance-id)",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of(), Map.of("--instance-id", "a/b"))).getMessage());
        assertEquals("default_metric='' must be 1 to 100 printable characters (from env COLLECTOR_DEFAULT_METRIC)",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(null, Map.of("COLLECTOR_DEFAULT_METRIC", " "), Map.of())).getMessage());
        Path yaml = dir.resolve("c.yaml");
        Files.writeString(yaml, "batch_sise: 10\n");
        assertEquals("config file " + yaml + ": unknown key 'batch_sise'",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(yaml, Map.of(), Map.of())).getMessage());
        assertEquals("config file " + dir.resolve("none.yaml") + ": file not found",
                assertThrows(ConfigException.class, () -> ConfigLoader.load(dir.resolve("none.yaml"), Map.of(), Map.of())).getMessage());
    }

    @Test
    void secrets_areMaskedInDescriptionsAndErrors() {
        CollectorConfig c = ConfigLoader.load(null,
                Map.of("COLLECTOR_DB_PASSWORD", "hunter2", "COLLECTOR_MQTT_PASSWORD", "s3cret"),
                Map.of("--db-url", "jdbc:postgresql://db/iot?user=u&password=topsecret"));
        String shown = c.describe() + c;
        assertFalse(shown.contains("hunter2"), shown);
        assertFalse(shown.contains("s3cret"), shown);
        assertFalse(shown.contains("topsecret"), shown);
        assertEquals("hunter2", c.dbPassword().value());
        assertTrue(c.describe().contains("db.password = ****"));
        assertEquals("tcp://u:****@h:1", Secret.maskUrl("tcp://u:pw@h:1"));
    }
}
