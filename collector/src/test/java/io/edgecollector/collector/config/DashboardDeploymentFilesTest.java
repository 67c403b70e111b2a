package io.edgecollector.collector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Prometheus and Grafana in docker-compose.yml, kept right by reading (no Docker engine here,
 * as in {@link DeploymentFilesTest}): both only under the profile `dashboards`, Prometheus
 * scraping the collector's port, Grafana's provisioning mounted where Grafana looks, and every
 * panel using a data source that is provisioned. The panels' queries run in DashboardIT.
 */
class DashboardDeploymentFilesTest {
    static final Path ROOT = DeploymentFilesTest.ROOT;
    static final JsonNode SERVICES = DeploymentFilesTest.COMPOSE.get("services");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void prometheusAndGrafana_runOnlyUnderTheDashboardsProfile() {
        for (String name : List.of("prometheus", "grafana")) {
            JsonNode service = SERVICES.get(name);
            assertTrue(service != null, name + " is a service");
            assertEquals("[\"dashboards\"]", service.get("profiles").toString(), name);
        }
    }

    @Test
    void prometheus_scrapesTheCollectorsMetricsPort() throws Exception {
        JsonNode config = YAML.readTree(ROOT.resolve("deploy/prometheus/prometheus.yml").toFile());
        JsonNode job = config.get("scrape_configs").get(0);
        assertEquals("/metrics", job.get("metrics_path").asText());
        assertEquals("collector:" + Setting.HTTP_PORT.defaultValue(), job.get("static_configs").get(0).get("targets").get(0).asText());
        assertTrue(SERVICES.get("prometheus").get("volumes").toString()
                .contains("./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml"));
    }

    @Test
    void grafana_isProvisioned_andEveryPanelUsesAProvisionedDataSource() throws Exception {
        String volumes = SERVICES.get("grafana").get("volumes").toString();
        assertTrue(volumes.contains("./deploy/grafana/provisioning:/etc/grafana/provisioning"), volumes);
        JsonNode providers = YAML.readTree(ROOT.resolve("deploy/grafana/provisioning/dashboards/dashboards.yml").toFile());
        String dashboardsPath = providers.get("providers").get(0).get("options").get("path").asText();
        assertTrue(volumes.contains("./deploy/grafana/dashboards:" + dashboardsPath), volumes);

        JsonNode sources = YAML.readTree(ROOT.resolve("deploy/grafana/provisioning/datasources/datasources.yml").toFile())
                .get("datasources");
        Set<String> uids = new HashSet<>();
        for (JsonNode s : sources) {
            uids.add(s.get("uid").asText());
            if (s.get("type").asText().contains("postgres")) {
                assertEquals("postgres:5432", s.get("url").asText());
                assertEquals("grafana", s.get("user").asText(), "Grafana reads as the login in role analyst");
                String login = Files.readString(ROOT.resolve("deploy/grafana/postgres-grafana-login.sql"));
                assertTrue(login.contains("CREATE ROLE grafana LOGIN PASSWORD 'grafana' IN ROLE analyst"), login);
                assertEquals("grafana", SERVICES.get("grafana").get("environment").get("GRAFANA_DB_PASSWORD").asText());
                assertTrue(SERVICES.get("postgres").get("volumes").toString().contains(
                        "./deploy/grafana/postgres-grafana-login.sql:/docker-entrypoint-initdb.d/"));
            } else {
                assertEquals("http://prometheus:9090", s.get("url").asText());
            }
        }
        ObjectMapper json = new ObjectMapper();
        for (String file : List.of("sensors.json", "pipeline.json")) {
            JsonNode dashboard = json.readTree(ROOT.resolve("deploy/grafana/dashboards").resolve(file).toFile());
            for (JsonNode panel : dashboard.get("panels")) {
                assertTrue(uids.contains(panel.get("datasource").get("uid").asText()), file + ": " + panel.get("title"));
                assertTrue(panel.get("targets").size() > 0, file + ": " + panel.get("title"));
            }
        }
    }
}
