package io.edgecollector.collector.config;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's configuration table names every setting the collector knows, all three ways. */
class DocumentationTest {
    @Test
    void readme_documentsEverySetting() throws Exception {
        String readme = Files.readString(Path.of("../README.md"));
        for (Setting s : Setting.values()) {
            String row = "| `" + s.key() + "` | `" + s.env() + "` | `" + s.flag() + "` |";
            assertTrue(readme.contains(row), "README.md lacks the row for " + s.key() + ": " + row);
        }
    }

    @Test
    void exampleConfig_setsEverySetting() throws Exception {
        CollectorConfig c = ConfigLoader.load(Path.of("../config/collector.yaml"), java.util.Map.of(), java.util.Map.of());
        for (Setting s : Setting.values()) {
            assertTrue(c.sources().get(s) != null && c.sources().get(s).startsWith("config file"),
                    "config/collector.yaml does not show " + s.key());
        }
    }
}
