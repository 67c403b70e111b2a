package io.edgecollector.collector.config;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The validated, immutable configuration of one collector process. */
public record CollectorConfig(
        String brokerUrl,
        List<String> topics,
        String topicTemplate,
        String defaultMetric,
        String clientId,
        String instanceId,
        String mqttUsername,
        Secret mqttPassword,
        Path caFile,
        Path clientCert,
        Path clientKey,
        Duration sessionExpiry,
        String dbUrl,
        String dbUser,
        Secret dbPassword,
        Path rawDir,
        Path lakeDir,
        Path sensorsFile,
        int batchSize,
        Duration flushInterval,
        int maxPayloadBytes,
        List<Double> missingSentinels,
        Duration futureTolerance,
        Duration staleAfter,
        Duration compressAfter,
        Duration deleteAfter,
        int httpPort,
        String httpBind,
        String httpUser,
        Secret httpPassword,
        Secret httpToken,
        boolean httpIngest,
        Secret httpIngestToken,
        Path httpTlsCert,
        Path httpTlsKey,
        String dashboardDbUser,
        Secret dashboardDbPassword,
        Duration silentAfter,
        Duration statusInterval,
        Path alertsFile,
        String alertsTopicPrefix,
        URI alertsWebhookUrl,
        Secret alertsWebhookToken,
        List<AlertRule> alertRules,
        KafkaConfig kafka,
        SparkplugConfig sparkplug,
        Map<Setting, String> sources) {

    public CollectorConfig {
        topics = List.copyOf(topics);
        if (sparkplug.enabled() && !topics.contains(sparkplug.topicFilter())) {
            topics = java.util.stream.Stream.concat(topics.stream(), java.util.stream.Stream.of(sparkplug.topicFilter())).toList();
        }
        missingSentinels = List.copyOf(missingSentinels);
        alertRules = List.copyOf(alertRules);
        sources = Map.copyOf(sources);
    }

    /** Whether the broker URL asks for TLS. */
    public boolean tls() {
        return brokerUrl.startsWith("ssl://");
    }

    /** Defaults only: what a machine with local services needs. */
    public static CollectorConfig defaults() {
        return ConfigLoader.load(null, Map.of(), Map.of());
    }

    /** Secrets masked, like {@link #describe()}: a config printed by accident leaks nothing. */
    @Override
    public String toString() {
        StringBuilder out = new StringBuilder("CollectorConfig[");
        for (Setting s : Setting.values()) {
            out.append(s == Setting.BROKER_URL ? "" : ", ").append(s.key()).append('=').append(display(s));
        }
        return out.append(']').toString();
    }

    /** The effective configuration on one line, "key=value ..." (for the log), secrets masked. */
    public String oneLine() {
        StringBuilder out = new StringBuilder();
        for (Setting s : Setting.values()) {
            out.append(out.length() == 0 ? "" : " ").append(s.key()).append("=\"").append(display(s)).append('"');
        }
        return out.toString();
    }

    /** The effective configuration, one "key = value (source)" line per setting, secrets masked. */
    public String describe() {
        StringBuilder out = new StringBuilder();
        for (Setting s : Setting.values()) {
            out.append(s.key()).append(" = ").append(display(s))
                    .append("  (").append(sources.getOrDefault(s, "default")).append(")\n");
        }
        return out.toString();
    }

    private String display(Setting s) {
        return switch (s) {
            case BROKER_URL -> brokerUrl;
            case TOPICS -> String.join(",", topics);
            case TOPIC_TEMPLATE -> topicTemplate;
            case DEFAULT_METRIC -> defaultMetric;
            case CLIENT_ID -> clientId;
            case INSTANCE_ID -> instanceId;
            case MQTT_USERNAME -> mqttUsername;
            case MQTT_PASSWORD -> mqttPassword.toString();
            case CA_FILE -> caFile == null ? "" : caFile.toString();
            case CLIENT_CERT -> clientCert == null ? "" : clientCert.toString();
            case CLIENT_KEY -> clientKey == null ? "" : clientKey.toString();
            case SESSION_EXPIRY -> Durations.format(sessionExpiry);
            case DB_URL -> Secret.maskUrl(dbUrl);
            case DB_USER -> dbUser;
            case DB_PASSWORD -> dbPassword.toString();
            case RAW_DIR -> rawDir.toString();
            case LAKE_DIR -> lakeDir.toString();
            case SENSORS_FILE -> sensorsFile == null ? "" : sensorsFile.toString();
            case BATCH_SIZE -> Integer.toString(batchSize);
            case FLUSH_INTERVAL -> Durations.format(flushInterval);
            case MAX_PAYLOAD_BYTES -> Integer.toString(maxPayloadBytes);
            case MISSING_SENTINELS -> missingSentinels.stream().map(String::valueOf)
                    .reduce((a, b) -> a + "," + b).orElse("");
            case FUTURE_TOLERANCE -> Durations.format(futureTolerance);
            case STALE_AFTER -> Durations.format(staleAfter);
            case COMPRESS_AFTER -> compressAfter == null ? "" : Durations.format(compressAfter);
            case DELETE_AFTER -> deleteAfter == null ? "" : Durations.format(deleteAfter);
            case HTTP_PORT -> Integer.toString(httpPort);
            case HTTP_BIND -> httpBind;
            case HTTP_USER -> httpUser;
            case HTTP_PASSWORD -> httpPassword.toString();
            case HTTP_TOKEN -> httpToken.toString();
            case HTTP_INGEST -> Boolean.toString(httpIngest);
            case HTTP_INGEST_TOKEN -> httpIngestToken.toString();
            case HTTP_TLS_CERT -> httpTlsCert == null ? "" : httpTlsCert.toString();
            case HTTP_TLS_KEY -> httpTlsKey == null ? "" : httpTlsKey.toString();
            case DASHBOARD_DB_USER -> dashboardDbUser;
            case DASHBOARD_DB_PASSWORD -> dashboardDbPassword.toString();
            case DASHBOARD_SILENT_AFTER -> Durations.format(silentAfter);
            case STATUS_INTERVAL -> Durations.format(statusInterval);
            case ALERTS_FILE -> alertsFile == null ? "" : alertsFile.toString();
            case ALERTS_TOPIC_PREFIX -> alertsTopicPrefix;
            case ALERTS_WEBHOOK_URL -> alertsWebhookUrl == null ? "" : Secret.maskUrl(alertsWebhookUrl.toString());
            case ALERTS_WEBHOOK_TOKEN -> alertsWebhookToken.toString();
            case KAFKA_BOOTSTRAP_SERVERS, KAFKA_READINGS_TOPIC, KAFKA_REJECTIONS_TOPIC, KAFKA_ALERTS_TOPIC, KAFKA_OFFSETS_TOPIC,
                    KAFKA_COMPRESSION, KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME,
                    KAFKA_SASL_PASSWORD, KAFKA_TRUSTSTORE_FILE, KAFKA_TRUSTSTORE_PASSWORD -> kafka.display(s);
            case SPARKPLUG_ENABLED -> Boolean.toString(sparkplug.enabled());
            case SPARKPLUG_HOST_ID -> sparkplug.hostId();
            case SPARKPLUG_GROUP -> sparkplug.group();
        };
    }
}
