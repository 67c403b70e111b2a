package io.edgecollector.collector.alert;

import io.edgecollector.collector.config.AlertRule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.lifecycle.Component;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.collector.rawlog.Written;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.Sensor;
import io.edgecollector.collector.validate.SensorRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Alerting in the daemon: the {@link AlertEngine} that follows the durable raw log, and one
 * {@link AlertFollower} per output (MQTT always, PostgreSQL always, the webhook when
 * alerts.webhook_url is set, Kafka when the Kafka output and kafka.alerts_topic are on), each
 * with its own checkpoint.
 */
public final class Alerting implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(Alerting.class);

    private final AlertEngine engine;
    private final List<AlertFollower> followers = new ArrayList<>();

    public Alerting(CollectorConfig config, SensorRegistry registry, MessageProcessor processor, Supplier<DataSource> pool,
                    BooleanSupplier databaseReady, Metrics metrics, Clock clock) {
        this(config, registry, processor, pool, databaseReady, metrics, clock, List.of());
    }

    /** @param moreSinks outputs besides MQTT, PostgreSQL and the webhook (Kafka), each followed on a thread of its own */
    public Alerting(CollectorConfig config, SensorRegistry registry, MessageProcessor processor, Supplier<DataSource> pool,
                    BooleanSupplier databaseReady, Metrics metrics, Clock clock, List<AlertSink> moreSinks) {
        Path dir = config.rawDir();
        String instance = config.instanceId();
        try {
            this.engine = new AlertEngine(dir, instance, config.alertRules(), ids(registry), processor, clock, metrics);
            followers.add(new AlertFollower(dir, instance,
                    new MqttAlertSink(config, dir.resolve(checkpointName("mqtt", instance))), metrics));
            followers.add(new AlertFollower(dir, instance, new PostgresAlertSink(pool, databaseReady), metrics));
            if (config.alertsWebhookUrl() != null) {
                followers.add(new AlertFollower(dir, instance, new WebhookAlertSink(config.alertsWebhookUrl(),
                        config.alertsWebhookToken(), dir.resolve(checkpointName("webhook", instance))), metrics));
            }
            for (AlertSink sink : moreSinks) {
                followers.add(new AlertFollower(dir, instance, sink, metrics));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("alerts: cannot open the alert state in " + dir + ": " + e.getMessage(), e);
        }
        followers.forEach(f -> engine.addListener(f::wake));
    }

    private static String checkpointName(String output, String instance) {
        return ".alerts-" + output + (instance == null || instance.isEmpty() ? "" : "_" + instance) + ".checkpoint";
    }

    static List<String> ids(SensorRegistry registry) {
        return registry.all().stream().map(Sensor::id).toList();
    }

    @Override
    public String name() {
        return "alerts";
    }

    @Override
    public void start() {
        engine.start();
        followers.forEach(AlertFollower::start);
        LOG.info("event=alerts_started rules={} outputs={}", engine.rules().size(), followers.size());
    }

    /** The writer's after-flush callback. */
    public void written(List<Written> written) {
        engine.written(written);
    }

    /** New rules and registry (SIGHUP): unchanged rules keep their state. */
    public void reload(List<AlertRule> rules, SensorRegistry registry) {
        engine.reload(rules, ids(registry));
    }

    public AlertEngine engine() {
        return engine;
    }

    /** GET /alerts: what fires now, oldest first. */
    public ObjectNode activeJson() {
        ObjectNode root = AlertEvent.JSON.createObjectNode();
        ArrayNode firing = root.putArray("firing");
        Collection<AlertEvent> active = engine.active();
        active.stream().sorted(Comparator.comparing(AlertEvent::at).thenComparing(AlertEvent::rule)
                        .thenComparing(AlertEvent::sensorId))
                .forEach(e -> firing.add(e.toJson().put("since", e.at().toString())));
        root.put("count", active.size());
        root.put("rules", engine.rules().size());
        return root;
    }

    /** Stops judging (saving a snapshot), then the outputs; each wait is bounded. */
    @Override
    public void stop(Duration timeout) {
        engine.close();
        followers.forEach(AlertFollower::close);
    }
}
