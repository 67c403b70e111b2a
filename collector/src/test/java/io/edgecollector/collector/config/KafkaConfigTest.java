package io.edgecollector.collector.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaConfigTest {
    private static KafkaConfig load(Map<String, String> env) {
        return ConfigLoader.load(null, env, Map.of()).kafka();
    }

    @Test
    void off_byDefault_withTheDocumentedTopicsAndZstd() {
        KafkaConfig k = CollectorConfig.defaults().kafka();
        assertFalse(k.enabled());
        assertEquals("edge.readings", k.readingsTopic());
        assertEquals("edge.rejections", k.rejectionsTopic());
        assertEquals("zstd", k.compression());
    }

    @Test
    void on_whenBootstrapServersAreSet_fromEnvironmentOrFlag() {
        assertTrue(load(Map.of("COLLECTOR_KAFKA_BOOTSTRAP_SERVERS", "k1:9092, k2:9093")).enabled());
        assertEquals("k1:9092,k2:9093", load(Map.of("COLLECTOR_KAFKA_BOOTSTRAP_SERVERS", "k1:9092, k2:9093")).bootstrapServers());
        KafkaConfig flagged = ConfigLoader.load(null, Map.of(), Map.of("--kafka-bootstrap-servers", "k:9092",
                "--kafka-compression", "lz4")).kafka();
        assertEquals("lz4", flagged.compression());
    }

    @Test
    void alertsTopic_onWithTheOutput_offWhenEmpty() {
        assertFalse(CollectorConfig.defaults().kafka().alertsEnabled(), "no Kafka output, no alert topic");
        KafkaConfig on = load(Map.of("COLLECTOR_KAFKA_BOOTSTRAP_SERVERS", "k:9092"));
        assertTrue(on.alertsEnabled());
        assertEquals("edge.alerts", on.alertsTopic());
        KafkaConfig off = ConfigLoader.load(null, Map.of(), Map.of("--kafka-bootstrap-servers", "k:9092",
                "--kafka-alerts-topic", "")).kafka();
        assertTrue(off.enabled());
        assertFalse(off.alertsEnabled());
    }

    @Test
    void badValues_nameTheKey() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of("COLLECTOR_KAFKA_BOOTSTRAP_SERVERS", "kafka")));
        assertTrue(e.getMessage().startsWith("kafka.bootstrap_servers='kafka'"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load(Map.of("COLLECTOR_KAFKA_COMPRESSION", "brotli")));
        assertTrue(e.getMessage().contains("kafka.compression") && e.getMessage().contains("zstd"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load(Map.of("COLLECTOR_KAFKA_READINGS_TOPIC", "a topic")));
        assertTrue(e.getMessage().startsWith("kafka.readings_topic"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load(Map.of("COLLECTOR_KAFKA_SECURITY_PROTOCOL", "SASL_SSL")));
        assertTrue(e.getMessage().contains("kafka.sasl_mechanism"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load(Map.of("COLLECTOR_KAFKA_REJECTIONS_TOPIC", "edge.readings")));
        assertTrue(e.getMessage().contains("must be different topics"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load(Map.of("COLLECTOR_KAFKA_ALERTS_TOPIC", "edge.rejections")));
        assertTrue(e.getMessage().contains("kafka.alerts_topic") && e.getMessage().contains("different topics"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> load(Map.of("COLLECTOR_KAFKA_ALERTS_TOPIC", "a/b")));
        assertTrue(e.getMessage().startsWith("kafka.alerts_topic"), e.getMessage());
    }

    @Test
    void saslAndTruststorePasswords_areMasked_everywhereTheConfigurationIsShown() {
        CollectorConfig c = ConfigLoader.load(null, Map.of(
                "COLLECTOR_KAFKA_BOOTSTRAP_SERVERS", "k:9093",
                "COLLECTOR_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
                "COLLECTOR_KAFKA_SASL_MECHANISM", "SCRAM-SHA-512",
                "COLLECTOR_KAFKA_SASL_USERNAME", "edge",
                "COLLECTOR_KAFKA_SASL_PASSWORD", "s3cret-sasl",
                "COLLECTOR_KAFKA_TRUSTSTORE_PASSWORD", "s3cret-store"), Map.of());
        for (String shown : new String[] {c.toString(), c.oneLine(), c.describe()}) {
            assertFalse(shown.contains("s3cret"), shown);
            assertTrue(shown.contains("kafka.sasl_password=") || shown.contains("kafka.sasl_password = "), shown);
        }
        assertEquals("s3cret-sasl", c.kafka().saslPassword().value());
    }
}
