package io.edgecollector.collector.it.ops;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** collector.jar, as built, is what production runs: the daemon and its libraries, no test or demo tools. */
class PackagingIT {
    static final Path COLLECTOR_JAR = Path.of("target/collector.jar");

    @Test
    void collectorJar_holdsNoSimulatorAndNoEmbeddedServices() throws Exception {
        try (ZipFile jar = new ZipFile(COLLECTOR_JAR.toFile())) {
            List<String> names = jar.stream().map(ZipEntry::getName).toList();
            assertTrue(names.contains("io/edgecollector/collector/CollectorMain.class"), "the daemon is in it");
            assertTrue(names.contains("io/edgecollector/common/MqttTls.class"), "and what it shares with the simulator");
            assertEquals(List.of(), names.stream().filter(n -> n.startsWith("io/edgecollector/simulator/")
                    || n.startsWith("io/edgecollector/demo/") || n.startsWith("com/hivemq/") || n.startsWith("io/zonky/")).toList(),
                    "no traffic generator, no demo, no embedded broker or database");
        }
    }
}
