package io.edgecollector.collector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.edgecollector.collector.CollectorMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertRulesTest {
    private static List<AlertRule> parse(String yaml) throws Exception {
        return AlertRules.parse(new ObjectMapper(new YAMLFactory()).readTree(yaml), "test.yaml");
    }

    private static String error(String yaml) {
        return assertThrows(ConfigException.class, () -> parse(yaml)).getMessage();
    }

    @Test
    void theIssuesExample_parsesIntoFourRules() throws Exception {
        List<AlertRule> rules = parse("""
                - name: too_hot
                  sensors: "Sensor *"
                  metric: temperature
                  above: 40
                  clear_below: 38
                  for: 10s
                - name: too_cold
                  metric: temperature
                  below: 0
                  clear_above: 2
                - name: jumping
                  metric: pressure
                  rate_above: 5
                - name: silent
                  silent_for: 2m
                """);
        assertEquals(4, rules.size());
        AlertRule hot = rules.get(0);
        assertEquals("Sensor *", hot.sensors());
        assertEquals(40.0, hot.above());
        assertEquals(38.0, hot.clearBelow());
        assertEquals(Duration.ofSeconds(10), hot.forDuration());
        assertEquals(AlertRule.Kind.THRESHOLD, rules.get(1).kind());
        assertNull(rules.get(1).sensors());
        assertEquals(AlertRule.Kind.RATE, rules.get(2).kind());
        assertEquals(AlertRule.Kind.SILENCE, rules.get(3).kind());
        assertEquals(Duration.ofMinutes(2), rules.get(3).silentFor());
    }

    @Test
    void anUnknownKey_isNamedWithItsRule() {
        assertEquals("alert rule 'too_hot': abov is not a rule key (known: name, sensors, metric, above, clear_below, "
                + "below, clear_above, for, rate_above, silent_for) (test.yaml)", error("""
                - name: too_hot
                  abov: 40
                """));
    }

    @Test
    void aRuleWithNoCondition_isRefused() {
        assertEquals("alert rule 'quiet': above no condition: set above, below, rate_above or silent_for (test.yaml)",
                error("- name: quiet\n  metric: temperature\n"));
    }

    @Test
    void clearBelowAboveTheLimit_isRefused() {
        assertEquals("alert rule 'too_hot': clear_below 45.0 is above above=40.0 (test.yaml)",
                error("- {name: too_hot, above: 40, clear_below: 45}\n"));
    }

    @Test
    void clearAboveBelowTheLimit_isRefused() {
        assertEquals("alert rule 'too_cold': clear_above -1.0 is below below=0.0 (test.yaml)",
                error("- {name: too_cold, below: 0, clear_above: -1}\n"));
    }

    @Test
    void aBadDuration_isNamedWithItsKey() {
        assertEquals("alert rule 'too_hot': for '10 sec' is not a duration (examples: 250ms, 5s, 10m, 1h, 7d) (test.yaml)",
                error("- {name: too_hot, above: 40, for: 10 sec}\n"));
    }

    @Test
    void aDuplicateName_isRefused() {
        assertEquals("alert rule 'a': name: appears twice (test.yaml)",
                error("- {name: a, above: 1}\n- {name: a, below: 0}\n"));
    }

    @Test
    void aMissingName_isNamedByPosition() {
        assertEquals("alerts[1]: name is missing (test.yaml)", error("- {name: a, above: 1}\n- {below: 0}\n"));
    }

    @Test
    void aNumberThatIsNot_isRefused() {
        assertEquals("alert rule 'a': above 'forty' is not a number (test.yaml)", error("- {name: a, above: forty}\n"));
    }

    @Test
    void twoKindsOfConditionInOneRule_areRefused() {
        assertEquals("alert rule 'a': silent_for cannot be combined with another condition in one rule: write two rules"
                + " (test.yaml)", error("- {name: a, above: 1, silent_for: 1m}\n"));
    }

    @Test
    void configFile_acceptsTheListOrTheMappingWithSettings(@TempDir Path dir) throws Exception {
        Path list = dir.resolve("list.yaml");
        Files.writeString(list, "alerts:\n  - {name: hot, above: 40}\n");
        assertEquals("hot", ConfigLoader.load(list, Map.of(), Map.of()).alertRules().get(0).name());
        Path mapping = dir.resolve("mapping.yaml");
        Files.writeString(mapping, """
                alerts:
                  topic_prefix: site1/alerts
                  webhook_url: http://127.0.0.1:9/hook
                  webhook_token: s3cret-token
                  rules:
                    - {name: cold, below: 0}
                """);
        CollectorConfig c = ConfigLoader.load(mapping, Map.of(), Map.of());
        assertEquals("cold", c.alertRules().get(0).name());
        assertEquals("site1/alerts", c.alertsTopicPrefix());
        assertEquals("s3cret-token", c.alertsWebhookToken().value());
        assertEquals(false, c.describe().contains("s3cret-token"), "the token is masked: " + c.describe());
        assertEquals(false, c.oneLine().contains("s3cret-token"));
    }

    @Test
    void alertsFile_holdsTheRules_andBothPlacesAtOnceIsAnError(@TempDir Path dir) throws Exception {
        Path rules = dir.resolve("rules.yaml");
        Files.writeString(rules, "- {name: hot, above: 40}\n- {name: quiet, silent_for: 2m}\n");
        CollectorConfig c = ConfigLoader.load(null, Map.of(), Map.of("--alerts-file", rules.toString()));
        assertEquals(List.of("hot", "quiet"), c.alertRules().stream().map(AlertRule::name).toList());
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "alerts:\n  - {name: other, above: 1}\n");
        String message = assertThrows(ConfigException.class,
                () -> ConfigLoader.load(config, Map.of(), Map.of("--alerts-file", rules.toString()))).getMessage();
        assertEquals("alert rules are set twice: in config file " + config + " (alerts:) and in alerts_file="
                + rules + "; keep one", message);
    }

    @Test
    void checkConfig_withABadRule_exits2_withOneLineNamingRuleAndKey(@TempDir Path dir) throws Exception {
        Path config = dir.resolve("c.yaml");
        Files.writeString(config, "alerts:\n  - {name: too_hot, above: 40, clear_below: 45}\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        var cl = CollectorMain.commandLine(Map.of());
        cl.setErr(new PrintWriter(err, true));
        cl.setOut(new PrintWriter(new ByteArrayOutputStream(), true));
        int code = cl.execute("check-config", "--config", config.toString());
        assertEquals(2, code);
        assertEquals("config error: alert rule 'too_hot': clear_below 45.0 is above above=40.0 (config file "
                + config + ")\n", err.toString());
    }
}
