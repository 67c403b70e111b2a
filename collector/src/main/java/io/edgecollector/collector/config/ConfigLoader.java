package io.edgecollector.collector.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Reads the configuration: YAML file, overridden by COLLECTOR_* environment variables,
 * overridden by flags. Validates every value once and names the key, the value and where it
 * came from when one is wrong.
 */
public final class ConfigLoader {
    private static final Pattern INSTANCE_ID = Pattern.compile("[A-Za-z0-9_-]{0,64}");
    private static final Pattern TEMPLATE_PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

    private final Map<Setting, String> values = new EnumMap<>(Setting.class);
    private final Map<Setting, String> sources = new EnumMap<>(Setting.class);
    /** The alerts: list of the config file, and the file, while loading. */
    private JsonNode yamlRules;
    private String yamlRulesSource;

    private ConfigLoader() {
    }

    /**
     * @param file  YAML file, or null for none
     * @param env   environment variables (only COLLECTOR_* are read)
     * @param flags flag name (e.g. "--batch-size") to value, for flags given on the command line
     */
    public static CollectorConfig load(Path file, Map<String, String> env, Map<String, String> flags) {
        return load(file, env, flags, Map.of());
    }

    /** As {@link #load(Path, Map, Map)}, with some built-in defaults replaced (the demo's, say). */
    public static CollectorConfig load(Path file, Map<String, String> env, Map<String, String> flags,
                                       Map<Setting, String> defaults) {
        ConfigLoader loader = new ConfigLoader();
        for (Setting s : Setting.values()) {
            loader.values.put(s, defaults.getOrDefault(s, s.defaultValue()));
        }
        if (file != null) {
            loader.readYaml(file);
        }
        for (Setting s : Setting.values()) {
            if (env.containsKey(s.env())) {
                loader.set(s, env.get(s.env()), "env " + s.env());
            }
        }
        for (Setting s : Setting.values()) {
            if (flags.containsKey(s.flag()) && flags.get(s.flag()) != null) {
                loader.set(s, flags.get(s.flag()), "flag " + s.flag());
            }
        }
        return loader.build();
    }

    private void set(Setting s, String value, String source) {
        values.put(s, value == null ? "" : value.trim());
        sources.put(s, source);
    }

    private void readYaml(Path file) {
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        } catch (IOException e) {
            String why = Files.exists(file) ? firstLine(e.getMessage()) : "file not found";
            throw new ConfigException("config file " + file + ": " + why, e);
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return;
        }
        if (!root.isObject()) {
            throw new ConfigException("config file " + file + ": expected a mapping of keys to values");
        }
        takeAlertRules((com.fasterxml.jackson.databind.node.ObjectNode) root, file);
        Map<String, String> flat = new LinkedHashMap<>();
        flatten("", root, flat, file);
        flat.forEach((key, value) -> {
            Setting s = Setting.byKey(key);
            if (s == null) {
                throw new ConfigException("config file " + file + ": unknown key '" + key + "'");
            }
            set(s, value, "config file " + file);
        });
    }

    /**
     * alerts: is either the list of rules, or a mapping of the alert settings (topic_prefix,
     * webhook_url, webhook_token) that may hold the list under rules:. The list is taken out here;
     * the settings stay for the Setting table.
     */
    private void takeAlertRules(com.fasterxml.jackson.databind.node.ObjectNode root, Path file) {
        JsonNode alerts = root.get("alerts");
        if (alerts == null) {
            return;
        }
        if (alerts.isArray()) {
            yamlRules = root.remove("alerts");
        } else if (alerts.isObject() && alerts.has("rules")) {
            yamlRules = ((com.fasterxml.jackson.databind.node.ObjectNode) alerts).remove("rules");
        }
        yamlRulesSource = "config file " + file;
    }

    /** The rules of alerts_file (a list, or a mapping with the list under alerts:), else of the config file. */
    private List<AlertRule> alertRules(Path alertsFile) {
        if (alertsFile == null) {
            return AlertRules.parse(yamlRules, yamlRulesSource);
        }
        if (yamlRules != null && !yamlRules.isNull()) {
            throw new ConfigException("alert rules are set twice: in " + yamlRulesSource + " (alerts:) and in "
                    + Setting.ALERTS_FILE.key() + "=" + alertsFile + "; keep one");
        }
        return readAlertsFile(alertsFile);
    }

    /** The rules of an alerts file; a problem is a ConfigException naming the file, rule and key. */
    public static List<AlertRule> readAlertsFile(Path alertsFile) {
        String source = Setting.ALERTS_FILE.key() + " " + alertsFile;
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(alertsFile.toFile());
        } catch (IOException e) {
            String why = Files.exists(alertsFile) ? firstLine(e.getMessage()) : "file not found";
            throw new ConfigException(source + ": " + why, e);
        }
        if (root != null && root.isObject()) {
            JsonNode alerts = root.get("alerts");
            root = alerts != null && alerts.isObject() ? alerts.get("rules") : alerts;
            if (root == null) {
                throw new ConfigException(source + ": expected a list of rules, or alerts: with the list");
            }
        }
        return AlertRules.parse(root, source);
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> out, Path file) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> e = fields.next();
            String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
            JsonNode v = e.getValue();
            if (v.isObject()) {
                flatten(key, v, out, file);
            } else if (v.isArray()) {
                List<String> items = new ArrayList<>();
                v.forEach(item -> items.add(item.asText()));
                out.put(key, String.join(",", items));
            } else {
                out.put(key, v.isNull() ? "" : v.asText());
            }
        }
    }

    private CollectorConfig build() {
        return checked(new CollectorConfig(
                get(Setting.BROKER_URL, ConfigLoader::brokerUrl),
                get(Setting.TOPICS, ConfigLoader::topics),
                get(Setting.TOPIC_TEMPLATE, ConfigLoader::topicTemplate),
                get(Setting.DEFAULT_METRIC, v -> require(v, !v.isBlank() && v.length() <= 100
                        && v.chars().noneMatch(Character::isISOControl), "must be 1 to 100 printable characters")),
                get(Setting.CLIENT_ID, v -> require(v, !v.isEmpty(), "must not be empty")),
                get(Setting.INSTANCE_ID, v -> require(v, INSTANCE_ID.matcher(v).matches(),
                        "must be at most 64 letters, digits, '-' or '_' (it becomes part of file names)")),
                get(Setting.MQTT_USERNAME, v -> v),
                new Secret(values.get(Setting.MQTT_PASSWORD)),
                get(Setting.CA_FILE, ConfigLoader::readableFileOrNull),
                get(Setting.CLIENT_CERT, ConfigLoader::readableFileOrNull),
                get(Setting.CLIENT_KEY, ConfigLoader::readableFileOrNull),
                get(Setting.SESSION_EXPIRY, v -> duration(v, Duration.ZERO, Duration.ofSeconds(0xFFFF_FFFFL))),
                get(Setting.DB_URL, v -> require(v, v.startsWith("jdbc:postgresql://"),
                        "must start with jdbc:postgresql://")),
                get(Setting.DB_USER, v -> require(v, !v.isEmpty(), "must not be empty")),
                new Secret(values.get(Setting.DB_PASSWORD)),
                get(Setting.RAW_DIR, ConfigLoader::path),
                get(Setting.LAKE_DIR, ConfigLoader::path),
                get(Setting.SENSORS_FILE, v -> v.isEmpty() ? null : Path.of(v)),
                get(Setting.BATCH_SIZE, v -> integer(v, 1, 30_000)),
                get(Setting.FLUSH_INTERVAL, v -> duration(v, Duration.ofMillis(1), Duration.ofMinutes(1))),
                get(Setting.MAX_PAYLOAD_BYTES, v -> integer(v, 64, 16 * 1024 * 1024)),
                get(Setting.MISSING_SENTINELS, ConfigLoader::numbers),
                get(Setting.FUTURE_TOLERANCE, v -> duration(v, Duration.ZERO, Duration.ofDays(3650))),
                get(Setting.STALE_AFTER, v -> duration(v, Duration.ofSeconds(1), Duration.ofDays(36500))),
                get(Setting.COMPRESS_AFTER, v -> v.isEmpty() ? null : duration(v, Duration.ofDays(1), Duration.ofDays(36500))),
                get(Setting.DELETE_AFTER, v -> v.isEmpty() ? null : duration(v, Duration.ofDays(1), Duration.ofDays(36500))),
                get(Setting.HTTP_PORT, v -> integer(v, 0, 65_535)),
                get(Setting.HTTP_BIND, ConfigLoader::address),
                get(Setting.HTTP_USER, v -> require(v, !v.contains(":"), "must not contain ':' (basic auth joins user:password)")),
                new Secret(values.get(Setting.HTTP_PASSWORD)),
                new Secret(values.get(Setting.HTTP_TOKEN)),
                get(Setting.HTTP_INGEST, ConfigLoader::bool),
                new Secret(values.get(Setting.HTTP_INGEST_TOKEN)),
                get(Setting.HTTP_TLS_CERT, ConfigLoader::readableFileOrNull),
                get(Setting.HTTP_TLS_KEY, ConfigLoader::readableFileOrNull),
                get(Setting.DASHBOARD_DB_USER, v -> v),
                new Secret(values.get(Setting.DASHBOARD_DB_PASSWORD)),
                get(Setting.DASHBOARD_SILENT_AFTER, v -> duration(v, Duration.ofSeconds(1), Duration.ofDays(365))),
                get(Setting.STATUS_INTERVAL, v -> duration(v, Duration.ZERO, Duration.ofDays(1))),
                get(Setting.ALERTS_FILE, v -> v.isEmpty() ? null : Path.of(v)),
                get(Setting.ALERTS_TOPIC_PREFIX, ConfigLoader::topicPrefix),
                get(Setting.ALERTS_WEBHOOK_URL, ConfigLoader::webhookUrl),
                new Secret(values.get(Setting.ALERTS_WEBHOOK_TOKEN)),
                alertRules(values.get(Setting.ALERTS_FILE).isEmpty() ? null : Path.of(values.get(Setting.ALERTS_FILE))),
                kafka(),
                new SparkplugConfig(get(Setting.SPARKPLUG_ENABLED, ConfigLoader::bool),
                        get(Setting.SPARKPLUG_HOST_ID, v -> require(v, SPARKPLUG_ID.matcher(v).matches(),
                                "must be 1 to 64 characters, none of '/', '+', '#'")),
                        get(Setting.SPARKPLUG_GROUP, v -> require(v, v.isEmpty() || SPARKPLUG_ID.matcher(v).matches(),
                                "must be empty or 1 to 64 characters, none of '/', '+', '#'"))),
                sources));
    }

    /** A Sparkplug id is one topic level: no separators or wildcards. */
    private static final Pattern SPARKPLUG_ID = Pattern.compile("[^/+#\\p{Cntrl}]{1,64}");

    private static boolean bool(String v) {
        return switch (v.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "on" -> true;
            case "false", "no", "off", "" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    private KafkaConfig kafka() {
        return KafkaConfig.checked(new KafkaConfig(
                get(Setting.KAFKA_BOOTSTRAP_SERVERS, KafkaConfig::bootstrapServers),
                get(Setting.KAFKA_READINGS_TOPIC, KafkaConfig::topic),
                get(Setting.KAFKA_REJECTIONS_TOPIC, KafkaConfig::topic),
                get(Setting.KAFKA_ALERTS_TOPIC, v -> v.isEmpty() ? v : KafkaConfig.topic(v)),
                get(Setting.KAFKA_OFFSETS_TOPIC, KafkaConfig::topic),
                get(Setting.KAFKA_COMPRESSION, v -> oneOf(v, KafkaConfig.COMPRESSIONS)),
                get(Setting.KAFKA_SECURITY_PROTOCOL, v -> oneOf(v, KafkaConfig.PROTOCOLS)),
                get(Setting.KAFKA_SASL_MECHANISM, v -> v.isEmpty() ? v : oneOf(v, KafkaConfig.MECHANISMS)),
                get(Setting.KAFKA_SASL_USERNAME, v -> v),
                new Secret(values.get(Setting.KAFKA_SASL_PASSWORD)),
                get(Setting.KAFKA_TRUSTSTORE_FILE, ConfigLoader::readableFileOrNull),
                new Secret(values.get(Setting.KAFKA_TRUSTSTORE_PASSWORD))));
    }

    private static String oneOf(String v, List<String> allowed) {
        return require(v, allowed.contains(v), "must be one of " + String.join(", ", allowed));
    }

    private static Path readableFileOrNull(String v) {
        if (v.isEmpty()) {
            return null;
        }
        Path p = Path.of(v);
        if (!Files.isReadable(p)) {
            throw new IllegalArgumentException("is not a readable file");
        }
        return p;
    }

    /** Settings that are only right together. */
    private CollectorConfig checked(CollectorConfig c) {
        boolean tlsFiles = c.caFile() != null || c.clientCert() != null || c.clientKey() != null;
        if (tlsFiles && !c.tls()) {
            throw new ConfigException(Setting.BROKER_URL.key() + "='" + c.brokerUrl() + "' is not ssl:// but TLS files are set ("
                    + Setting.CA_FILE.key() + ", " + Setting.CLIENT_CERT.key() + " or " + Setting.CLIENT_KEY.key() + ")");
        }
        if (c.httpUser().isEmpty() != c.httpPassword().isEmpty()) {
            throw new ConfigException(Setting.HTTP_USER.key() + " and " + Setting.HTTP_PASSWORD.key() + " go together: set both or neither");
        }
        if ((c.httpTlsCert() == null) != (c.httpTlsKey() == null)) {
            throw new ConfigException(Setting.HTTP_TLS_CERT.key() + " and " + Setting.HTTP_TLS_KEY.key() + " go together: set both or neither");
        }
        if (c.httpIngest() && c.httpPort() == 0) {
            throw new ConfigException(Setting.HTTP_INGEST.key() + "=true needs the HTTP server, but " + Setting.HTTP_PORT.key()
                    + "=0 turns it off");
        }
        if ((c.clientCert() == null) != (c.clientKey() == null)) {
            throw new ConfigException(Setting.CLIENT_CERT.key() + " and " + Setting.CLIENT_KEY.key() + " go together: set both or neither");
        }
        return c;
    }

    private <T> T get(Setting s, Function<String, T> parser) {
        String value = values.get(s);
        try {
            return parser.apply(value);
        } catch (IllegalArgumentException e) {
            String shown = s.secret() ? Secret.MASK : value;
            throw new ConfigException(s.key() + "='" + shown + "' " + e.getMessage()
                    + " (from " + sources.getOrDefault(s, "default") + ")");
        }
    }

    private static String require(String value, boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
        return value;
    }

    private static String brokerUrl(String v) {
        try {
            URI uri = new URI(v);
            String scheme = uri.getScheme();
            if (scheme == null || !List.of("tcp", "ssl").contains(scheme)
                    || uri.getHost() == null) {
                throw new IllegalArgumentException("must look like tcp://host:port or ssl://host:port");
            }
            return v;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URL: " + e.getReason());
        }
    }

    private static List<String> topics(String v) {
        List<String> out = new ArrayList<>();
        for (String raw : v.split(",")) {
            String f = raw.trim();
            if (f.isEmpty()) {
                continue;
            }
            String[] levels = f.split("/", -1);
            for (int i = 0; i < levels.length; i++) {
                String level = levels[i];
                boolean wildcardMisused = (level.contains("#") && (!level.equals("#") || i != levels.length - 1))
                        || (level.contains("+") && !level.equals("+"));
                if (wildcardMisused) {
                    throw new IllegalArgumentException("has an invalid filter '" + f
                            + "': '+' must fill a whole level and '#' must be the last level");
                }
            }
            out.add(f);
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException("must name at least one topic filter");
        }
        return out;
    }

    private static String topicTemplate(String v) {
        var m = TEMPLATE_PLACEHOLDER.matcher(v);
        while (m.find()) {
            if (!m.group(1).equals("sensor_id") && !m.group(1).equals("metric")) {
                throw new IllegalArgumentException("has unknown placeholder {" + m.group(1)
                        + "} (known: {sensor_id}, {metric})");
            }
        }
        return v;
    }

    /** A literal IPv4 or IPv6 address (no name lookup at start: a bind address must be this machine's). */
    private static String address(String v) {
        boolean literal = v.matches("[0-9.]+") || v.contains(":");
        if (!literal) {
            throw new IllegalArgumentException("must be an IP address such as 0.0.0.0 or 127.0.0.1");
        }
        try {
            java.net.InetAddress.getByName(v);
            return v;
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException("is not an IP address");
        }
    }

    private static String topicPrefix(String v) {
        if (v.isEmpty() || v.contains("+") || v.contains("#") || v.startsWith("/") || v.endsWith("/")) {
            throw new IllegalArgumentException("must be a topic name without wildcards, not starting or ending with '/'");
        }
        return v;
    }

    private static URI webhookUrl(String v) {
        if (v.isEmpty()) {
            return null;
        }
        try {
            URI uri = new URI(v);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
                throw new IllegalArgumentException("must look like http(s)://host[:port]/path");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("is not a URL: " + e.getReason());
        }
    }

    private static Path path(String v) {
        if (v.isEmpty()) {
            throw new IllegalArgumentException("must not be empty");
        }
        return Path.of(v);
    }

    private static int integer(String v, int min, int max) {
        int n;
        try {
            n = Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("is not a whole number");
        }
        if (n < min || n > max) {
            throw new IllegalArgumentException("must be between " + min + " and " + max);
        }
        return n;
    }

    private static Duration duration(String v, Duration min, Duration max) {
        Duration d = Durations.parse(v);
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
            throw new IllegalArgumentException("must be between " + Durations.format(min)
                    + " and " + Durations.format(max));
        }
        return d;
    }

    private static List<Double> numbers(String v) {
        List<Double> out = new ArrayList<>();
        for (String part : v.split(",")) {
            if (part.isBlank()) {
                continue;
            }
            try {
                out.add(Double.parseDouble(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("has '" + part.trim() + "', which is not a number");
            }
        }
        return out;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
