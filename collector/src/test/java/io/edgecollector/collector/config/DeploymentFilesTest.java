package io.edgecollector.collector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.edgecollector.collector.CollectorMain;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * No Docker engine runs where this is built, so docker-compose.yml and the Dockerfile are kept
 * right by reading: the files they name exist, the collector's environment is what the code
 * reads and is valid, and ports and names agree with the code's defaults.
 */
class DeploymentFilesTest {
    static final Path ROOT = Path.of("..");
    static final JsonNode COMPOSE = read();

    static JsonNode read() {
        try {
            return new ObjectMapper(new YAMLFactory()).readTree(ROOT.resolve("docker-compose.yml").toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyBindMountAndBuildTarget_exists() throws Exception {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        for (Iterator<Map.Entry<String, JsonNode>> it = COMPOSE.get("services").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> service = it.next();
            for (JsonNode volume : service.getValue().path("volumes")) {
                String source = volume.asText().split(":")[0];
                if (source.startsWith("./") && !source.equals("./data")) {
                    assertTrue(Files.exists(ROOT.resolve(source)), service.getKey() + " mounts missing " + source);
                }
            }
            JsonNode build = service.getValue().get("build");
            if (build != null) {
                assertTrue(dockerfile.contains(" AS " + build.get("target").asText() + "\n"),
                        "Dockerfile has no stage " + build.get("target").asText());
            }
        }
        for (String line : dockerfile.lines().filter(l -> l.startsWith("COPY ") && !l.contains("--from")).toList()) {
            String[] parts = line.split("\\s+");
            for (int i = 1; i < parts.length - 1; i++) {
                assertTrue(Files.exists(ROOT.resolve(parts[i])), "Dockerfile copies missing " + parts[i]);
            }
        }
    }

    @Test
    void collectorEnvironment_isValid_andMatchesTheOtherServices() {
        JsonNode services = COMPOSE.get("services");
        Map<String, String> env = new HashMap<>();
        services.get("collector").get("environment").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
        for (String key : env.keySet()) {
            assertTrue(List.of(Setting.values()).stream().anyMatch(s -> s.env().equals(key)), "unknown variable " + key);
        }
        CollectorConfig config = ConfigLoader.load(null, env, Map.of());
        URI broker = URI.create(config.brokerUrl());
        assertNotNull(services.get(broker.getHost()), "broker host is a service");
        int defaultBrokerPort = URI.create(CollectorConfig.defaults().brokerUrl()).getPort();
        assertEquals(defaultBrokerPort, broker.getPort());
        assertTrue(services.get("mosquitto").get("ports").get(0).asText().endsWith(":" + defaultBrokerPort));
        JsonNode pg = services.get("postgres").get("environment");
        assertTrue(config.dbUrl().endsWith("/" + pg.get("POSTGRES_DB").asText()), config.dbUrl());
        assertTrue(CollectorConfig.defaults().dbUrl().endsWith("/" + pg.get("POSTGRES_DB").asText()));
        assertEquals(pg.get("POSTGRES_USER").asText(), config.dbUser());
        assertEquals(pg.get("POSTGRES_PASSWORD").asText(), config.dbPassword().value());
        String command = services.get("collector").get("command").get(0).asText();
        assertNotNull(CollectorMain.commandLine(Map.of()).getSubcommands().get(command), "collector command " + command);
        assertNotNull(services.get("pgadmin").get("profiles"), "pgAdmin only under a profile");
    }

    @Test
    void mosquittoConfig_isTheOneMounted_andKeepsItsDataInTheVolume() throws Exception {
        String conf = Files.readString(ROOT.resolve("mosquitto/mosquitto.conf"));
        assertTrue(conf.contains("persistence_location /mosquitto/data/"));
        assertTrue(COMPOSE.get("services").get("mosquitto").get("volumes").toString().contains("mosquitto-data:/mosquitto/data"));
    }
}
