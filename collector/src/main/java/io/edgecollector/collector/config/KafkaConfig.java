package io.edgecollector.collector.config;

import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The Kafka output's settings (kafka.*), validated: on when bootstrapServers is set. The
 * security settings are passed through to the Kafka client as they are.
 */
public record KafkaConfig(
        String bootstrapServers,
        String readingsTopic,
        String rejectionsTopic,
        String alertsTopic,
        String offsetsTopic,
        String compression,
        String securityProtocol,
        String saslMechanism,
        String saslUsername,
        Secret saslPassword,
        Path truststoreFile,
        Secret truststorePassword) {

    static final List<String> COMPRESSIONS = List.of("none", "gzip", "snappy", "lz4", "zstd");
    static final List<String> PROTOCOLS = List.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    static final List<String> MECHANISMS = List.of("PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512");
    /** What Kafka accepts as a topic name. */
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");
    private static final Pattern SERVER = Pattern.compile("[^\\s,:]+:\\d{1,5}");

    /** Whether the Kafka output is on. */
    public boolean enabled() {
        return !bootstrapServers.isEmpty();
    }

    /** Whether alert events go to Kafka too (the output is on and kafka.alerts_topic is not empty). */
    public boolean alertsEnabled() {
        return enabled() && !alertsTopic.isEmpty();
    }

    public boolean sasl() {
        return securityProtocol.startsWith("SASL_");
    }

    static String bootstrapServers(String v) {
        for (String server : v.split(",")) {
            if (!v.isEmpty() && !SERVER.matcher(server.trim()).matches()) {
                throw new IllegalArgumentException("must be host:port[,host:port...], not '" + server.trim() + "'");
            }
        }
        return v.replace(" ", "");
    }

    static String topic(String v) {
        if (!TOPIC.matcher(v).matches() || v.equals(".") || v.equals("..")) {
            throw new IllegalArgumentException("is not a Kafka topic name (letters, digits, '.', '_', '-')");
        }
        return v;
    }

    /** Settings that are only right together. */
    static KafkaConfig checked(KafkaConfig k) {
        if (k.sasl() && k.saslMechanism().isEmpty()) {
            throw new ConfigException(Setting.KAFKA_SECURITY_PROTOCOL.key() + "='" + k.securityProtocol()
                    + "' needs " + Setting.KAFKA_SASL_MECHANISM.key());
        }
        if (!k.sasl() && !k.saslMechanism().isEmpty()) {
            throw new ConfigException(Setting.KAFKA_SASL_MECHANISM.key() + "='" + k.saslMechanism() + "' needs "
                    + Setting.KAFKA_SECURITY_PROTOCOL.key() + " SASL_PLAINTEXT or SASL_SSL, not '" + k.securityProtocol() + "'");
        }
        List<String> topics = new java.util.ArrayList<>(List.of(k.readingsTopic(), k.rejectionsTopic(), k.offsetsTopic()));
        if (!k.alertsTopic().isEmpty()) {
            topics.add(k.alertsTopic());
        }
        if (topics.stream().distinct().count() != topics.size()) {
            throw new ConfigException(Setting.KAFKA_READINGS_TOPIC.key() + ", " + Setting.KAFKA_REJECTIONS_TOPIC.key()
                    + ", " + Setting.KAFKA_ALERTS_TOPIC.key() + " and " + Setting.KAFKA_OFFSETS_TOPIC.key()
                    + " must be different topics: " + topics);
        }
        return k;
    }

    /** The value of one kafka.* setting as the effective configuration shows it, secrets masked. */
    String display(Setting s) {
        return switch (s) {
            case KAFKA_BOOTSTRAP_SERVERS -> bootstrapServers;
            case KAFKA_READINGS_TOPIC -> readingsTopic;
            case KAFKA_REJECTIONS_TOPIC -> rejectionsTopic;
            case KAFKA_ALERTS_TOPIC -> alertsTopic;
            case KAFKA_OFFSETS_TOPIC -> offsetsTopic;
            case KAFKA_COMPRESSION -> compression;
            case KAFKA_SECURITY_PROTOCOL -> securityProtocol;
            case KAFKA_SASL_MECHANISM -> saslMechanism;
            case KAFKA_SASL_USERNAME -> saslUsername;
            case KAFKA_SASL_PASSWORD -> saslPassword.toString();
            case KAFKA_TRUSTSTORE_FILE -> truststoreFile == null ? "" : truststoreFile.toString();
            case KAFKA_TRUSTSTORE_PASSWORD -> truststorePassword.toString();
            default -> throw new IllegalArgumentException(s.key() + " is not a kafka setting");
        };
    }
}
