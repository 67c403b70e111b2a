package io.edgecollector.collector.config;

import java.util.Locale;

/**
 * Every configuration key the collector knows: its YAML key, environment variable, flag,
 * default and description. One table, so the three sources and the docs cannot drift apart.
 */
public enum Setting {
    BROKER_URL("broker.url", "tcp://127.0.0.1:1883", "MQTT broker URL (tcp://host:port or ssl://host:port)"),
    TOPICS("topics", "sensors/#", "comma-separated topic filters; $share/<group>/<filter> for scale-out"),
    TOPIC_TEMPLATE("topic_template", "sensors/{sensor_id}/{metric}",
            "topic pattern that supplies sensor_id and metric when the payload lacks them"),
    DEFAULT_METRIC("default_metric", "value",
            "metric of a reading that names none (no metric or type field, none from the topic)"),
    CLIENT_ID("client_id", "edge-collector", "stable MQTT client id of the persistent session"),
    INSTANCE_ID("instance_id", "", "instance id for several collectors on a shared subscription (raw_<date>_<id>.jsonl)"),
    MQTT_USERNAME("mqtt.username", "", "MQTT user name"),
    MQTT_PASSWORD("mqtt.password", "", "MQTT password", true),
    CA_FILE("mqtt.ca_file", "", "PEM CA certificate to trust for an ssl:// broker (empty: the JVM's trust store)"),
    CLIENT_CERT("mqtt.client_cert", "", "PEM client certificate, for a broker that requires one"),
    CLIENT_KEY("mqtt.client_key", "", "PKCS#8 PEM private key of mqtt.client_cert"),
    SESSION_EXPIRY("mqtt.session_expiry", "7d", "how long the broker keeps the session (and queues messages) while the collector is away"),
    DB_URL("db.url", "jdbc:postgresql://127.0.0.1:5432/iot", "PostgreSQL JDBC URL"),
    DB_USER("db.user", "postgres", "PostgreSQL user"),
    DB_PASSWORD("db.password", "", "PostgreSQL password", true),
    RAW_DIR("raw_dir", "data/raw", "directory of the raw JSONL files (the write-ahead log)"),
    LAKE_DIR("lake_dir", "data/lake", "directory of the Parquet lake"),
    SENSORS_FILE("sensors_file", "", "sensor registry JSON ({\"sensors\":[...]}); empty: every sensor is unknown_sensor"),
    BATCH_SIZE("batch_size", "1000", "messages per durable batch (append + fsync + ack)"),
    FLUSH_INTERVAL("flush_interval", "100ms", "longest time a message waits in the buffer before its batch is flushed"),
    MAX_PAYLOAD_BYTES("max_payload_bytes", "262144", "larger payloads are kept in the raw file and rejected"),
    MISSING_SENTINELS("quality.missing_sentinels", "", "comma-separated values that mean 'no reading' (e.g. -200)"),
    FUTURE_TOLERANCE("quality.future_tolerance", "5m", "readings further ahead of receipt time are flagged future_timestamp"),
    STALE_AFTER("quality.stale_after", "1h", "readings older than this at receipt are flagged stale"),
    COMPRESS_AFTER("retention.compress_after", "", "compact gzips raw files of days older than this (e.g. 7d), once compacted and loaded; empty: never"),
    DELETE_AFTER("retention.delete_after", "", "compact deletes raw files of days older than this (e.g. 90d), once compacted and loaded; empty: never"),
    HTTP_PORT("http_port", "9180", "port of /metrics (Prometheus), /health and /ready on all interfaces; 0: no HTTP server"),
    SPARKPLUG_ENABLED("sparkplug.enabled", "false",
            "act as a Sparkplug B host: subscribe to spBv1.0 topics, publish spBv1.0/STATE/<host_id>, ask nodes for rebirths"),
    SPARKPLUG_HOST_ID("sparkplug.host_id", "edge-collector", "Sparkplug host application id (topic spBv1.0/STATE/<host_id>)"),
    SPARKPLUG_GROUP("sparkplug.group", "", "Sparkplug group to follow (spBv1.0/<group>/#); empty: every group (spBv1.0/#)"),
    STATUS_INTERVAL("status_interval", "60s", "how often the daemon logs its one-line status (rate, backlog, errors); 0s: never");

    private final String key;
    private final String defaultValue;
    private final String description;
    private final boolean secret;

    Setting(String key, String defaultValue, String description) {
        this(key, defaultValue, description, false);
    }

    Setting(String key, String defaultValue, String description, boolean secret) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
        this.secret = secret;
    }

    public String key() {
        return key;
    }

    public String env() {
        return "COLLECTOR_" + key.toUpperCase(Locale.ROOT).replace('.', '_');
    }

    public String flag() {
        return "--" + key.replace('.', '-').replace('_', '-');
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    public boolean secret() {
        return secret;
    }

    public static Setting byKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }
}
