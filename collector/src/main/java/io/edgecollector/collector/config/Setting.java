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
    HTTP_PORT("http_port", "9180", "port of the dashboard (/), /api/..., /metrics (Prometheus), /health, /ready and POST /ingest (with http.ingest); 0: no HTTP server"),
    HTTP_BIND("http_bind", "0.0.0.0", "address the HTTP server listens on (0.0.0.0: all interfaces; 127.0.0.1: this machine only)"),
    HTTP_USER("http.user", "", "user name of HTTP basic auth on everything but /health and /ready (with http.password); empty: none"),
    HTTP_PASSWORD("http.password", "", "password of HTTP basic auth", true),
    HTTP_TOKEN("http.token", "", "token for everything but /health and /ready: 'Authorization: Bearer <token>', or open /?token=<token> once in a browser; empty: none", true),
    HTTP_INGEST("http.ingest", "false", "accept readings by HTTP: POST /ingest and /ingest/<path> on http_port, answered 202 once appended and fsynced"),
    HTTP_INGEST_TOKEN("http.ingest_token", "", "token POST /ingest requires as 'Authorization: Bearer <token>'; empty: http.token's, or none", true),
    HTTP_TLS_CERT("http.tls_cert", "", "PEM certificate (chain) of the HTTP port: with http.tls_key it serves HTTPS only; empty: plain HTTP"),
    HTTP_TLS_KEY("http.tls_key", "", "PKCS#8 PEM private key of http.tls_cert"),
    DASHBOARD_DB_USER("dashboard.db_user", "", "PostgreSQL user of the dashboard's own read-only pool (e.g. a login in role analyst); empty: db.user"),
    DASHBOARD_DB_PASSWORD("dashboard.db_password", "", "password of dashboard.db_user", true),
    DASHBOARD_SILENT_AFTER("dashboard.silent_after", "2m", "the dashboard marks a sensor silent when its newest reading is older than this"),
    STATUS_INTERVAL("status_interval", "60s", "how often the daemon logs its one-line status (rate, backlog, errors); 0s: never"),
    ALERTS_FILE("alerts_file", "", "YAML file holding the alert rules (the same list as alerts: in the config file); re-read on SIGHUP"),
    ALERTS_TOPIC_PREFIX("alerts.topic_prefix", "alerts", "alert events are published (QoS 1, retained) on <prefix>/<sensor_id>/<metric>/<rule>"),
    ALERTS_WEBHOOK_URL("alerts.webhook_url", "", "http(s) URL that receives each alert event as a JSON POST; empty: no webhook"),
    ALERTS_WEBHOOK_TOKEN("alerts.webhook_token", "", "bearer token sent to alerts.webhook_url", true),
    KAFKA_BOOTSTRAP_SERVERS("kafka.bootstrap_servers", "", "Kafka brokers (host:port,...): when set, the raw log is forwarded to Kafka exactly once; empty: no Kafka output"),
    KAFKA_READINGS_TOPIC("kafka.readings_topic", "edge.readings", "Kafka topic of the readings (key sensor_id, JSON value)"),
    KAFKA_REJECTIONS_TOPIC("kafka.rejections_topic", "edge.rejections", "Kafka dead-letter topic: rejected messages with their reason"),
    KAFKA_ALERTS_TOPIC("kafka.alerts_topic", "edge.alerts", "Kafka topic of the alert events (key sensor_id), exactly once; empty: none"),
    KAFKA_OFFSETS_TOPIC("kafka.offsets_topic", "edge.collector.offsets", "compacted Kafka topic of the forwarder's checkpoints, committed with its records"),
    KAFKA_COMPRESSION("kafka.compression", "zstd", "compression of Kafka record batches: none, gzip, snappy, lz4 or zstd"),
    KAFKA_SECURITY_PROTOCOL("kafka.security_protocol", "PLAINTEXT", "PLAINTEXT, SSL, SASL_PLAINTEXT or SASL_SSL"),
    KAFKA_SASL_MECHANISM("kafka.sasl_mechanism", "", "PLAIN, SCRAM-SHA-256 or SCRAM-SHA-512 (with a SASL_* protocol)"),
    KAFKA_SASL_USERNAME("kafka.sasl_username", "", "SASL user name"),
    KAFKA_SASL_PASSWORD("kafka.sasl_password", "", "SASL password", true),
    KAFKA_TRUSTSTORE_FILE("kafka.truststore_file", "", "trust store for SSL/SASL_SSL: PEM (.pem, .crt), PKCS12 (.p12, .pfx) or JKS; empty: the JVM's"),
    KAFKA_TRUSTSTORE_PASSWORD("kafka.truststore_password", "", "password of a PKCS12 or JKS trust store", true),
    SPARKPLUG_ENABLED("sparkplug.enabled", "false",
            "act as a Sparkplug B host: subscribe to spBv1.0 topics, publish spBv1.0/STATE/<host_id>, ask nodes for rebirths"),
    SPARKPLUG_HOST_ID("sparkplug.host_id", "edge-collector", "Sparkplug host application id (topic spBv1.0/STATE/<host_id>)"),
    SPARKPLUG_GROUP("sparkplug.group", "", "Sparkplug group to follow (spBv1.0/<group>/#); empty: every group (spBv1.0/#)");

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
