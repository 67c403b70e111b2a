package io.edgecollector.collector.sparkplug;

import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.SparkplugConfig;
import io.edgecollector.collector.lifecycle.Backoff;
import io.edgecollector.collector.lifecycle.Component;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.common.MqttTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The collector as a Sparkplug 3.0 host application: on its own MQTT connection (client id
 * {@code <client_id>-sparkplug}) it publishes the retained {@code spBv1.0/STATE/<host_id>}
 * {"online":true,...} on every connect, with {"online":false,...} (same timestamp) as its will,
 * and sends rebirth requests: an NCMD with {@code Node Control/Rebirth} = true, at most one per
 * node per {@link #REBIRTH_INTERVAL}. Its own connection keeps intake's persistent session and
 * its acknowledgements untouched.
 */
public final class SparkplugHost implements Component, RebirthRequests {
    private static final Logger LOG = LoggerFactory.getLogger(SparkplugHost.class);
    /** A node answers a rebirth within a second or two; asking more often only repeats births. */
    static final Duration REBIRTH_INTERVAL = Duration.ofSeconds(5);

    private final SparkplugConfig config;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final Clock clock;
    private final Metrics metrics;
    private final long connectedAt;
    private final Map<String, Long> lastRebirth = new ConcurrentHashMap<>();
    /** Requests made while the connection was down, by node: sent when it is up. */
    private final Map<String, SparkplugTopic> unsent = new ConcurrentHashMap<>();
    private final Thread connecting = new Thread(this::connectUntilStopped, "collector-sparkplug-connect");
    private volatile boolean stopping;

    /** @throws IOException when the TLS files (mqtt.ca_file, client_cert, client_key) cannot be read */
    public SparkplugHost(CollectorConfig config, Clock clock, Metrics metrics) throws MqttException, IOException {
        this.config = config.sparkplug();
        this.metrics = metrics;
        this.clock = clock;
        this.connectedAt = clock.millis();
        this.client = new MqttAsyncClient(config.brokerUrl(), config.clientId() + "-sparkplug", new MemoryPersistence());
        this.client.setCallback(new Callback());
        this.options = new MqttConnectionOptions();
        if (config.tls()) {
            options.setSocketFactory(MqttTls.socketFactory(new MqttTls.Files(config.caFile(), config.clientCert(), config.clientKey())));
        }
        options.setCleanStart(true);
        options.setAutomaticReconnect(true);
        options.setAutomaticReconnectDelay(1, 30);
        options.setKeepAliveInterval(30);
        if (!config.mqttUsername().isEmpty()) {
            options.setUserName(config.mqttUsername());
        }
        if (!config.mqttPassword().isEmpty()) {
            options.setPassword(config.mqttPassword().value().getBytes(StandardCharsets.UTF_8));
        }
        MqttMessage will = state(false);
        options.setWill(this.config.stateTopic(), will);
    }

    @Override
    public String name() {
        return "sparkplug-host";
    }

    /** Connects in the background, retrying with capped backoff until the first connect (Paho reconnects after that). */
    @Override
    public void start() {
        connecting.setDaemon(true);
        connecting.start();
    }

    private void connectUntilStopped() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        while (!stopping) {
            try {
                client.connect(options).waitForCompletion(15_000);
                return;
            } catch (MqttException e) {
                long delay = backoff.next();
                LOG.warn("event=sparkplug_host_connect_failed cause=\"{}\" retry_in={}s", e.getMessage(), delay / 1000);
                try {
                    Thread.sleep(delay);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /** The host's STATE payload per Sparkplug 3.0; online and offline carry the same connect time. */
    private MqttMessage state(boolean online) {
        MqttMessage m = new MqttMessage(("{\"online\":" + online + ",\"timestamp\":" + connectedAt + "}")
                .getBytes(StandardCharsets.UTF_8), 1, true, null);
        return m;
    }

    @Override
    public void request(SparkplugTopic topic) {
        long now = clock.millis();
        Long before = lastRebirth.get(topic.nodeKey());
        if (before != null && now - before < REBIRTH_INTERVAL.toMillis()) {
            return;
        }
        if (!client.isConnected()) {
            // intake may see a gap before this connection is up (a restart): ask once it is
            unsent.put(topic.nodeKey(), topic);
            return;
        }
        lastRebirth.put(topic.nodeKey(), now);
        try {
            SparkplugBPayload payload = new SparkplugBPayload.SparkplugBPayloadBuilder()
                    .setTimestamp(new Date(now))
                    .addMetric(new Metric.MetricBuilder("Node Control/Rebirth", MetricDataType.Boolean, true).createMetric())
                    .createPayload();
            byte[] bytes = new SparkplugBPayloadEncoder().getBytes(payload, false);
            client.publish(topic.nodeCommandTopic(), bytes, 0, false);
            metrics.sparkplugRebirthRequested();
            LOG.info("event=sparkplug_rebirth_requested node={} topic={}", topic.nodeKey(), topic.nodeCommandTopic());
        } catch (Exception e) {
            LOG.warn("event=sparkplug_rebirth_failed node={} cause=\"{}\"", topic.nodeKey(), e.getMessage());
        }
    }

    @Override
    public void stop(Duration timeout) {
        stopping = true;
        connecting.interrupt();
        try {
            if (client.isConnected()) {
                // a clean disconnect sends no will: say offline ourselves
                client.publish(config.stateTopic(), state(false)).waitForCompletion(timeout.toMillis());
                client.disconnect(timeout.toMillis()).waitForCompletion(timeout.toMillis());
            }
            client.close(true);
        } catch (MqttException e) {
            LOG.warn("event=sparkplug_host_stop_failed cause=\"{}\"", e.getMessage());
        }
    }

    private final class Callback implements MqttCallback {
        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            try {
                client.publish(config.stateTopic(), state(true));
                LOG.info("event=sparkplug_host_online topic={} reconnect={}", config.stateTopic(), reconnect);
                for (String node : List.copyOf(unsent.keySet())) {
                    SparkplugTopic t = unsent.remove(node);
                    if (t != null) {
                        request(t);
                    }
                }
            } catch (MqttException e) {
                LOG.warn("event=sparkplug_state_failed topic={} cause=\"{}\"", config.stateTopic(), e.getMessage());
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            LOG.warn("event=sparkplug_host_disconnected cause=\"{}\"", response.getReasonString());
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("event=sparkplug_host_error cause=\"{}\"", exception.getMessage());
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            // the host connection subscribes to nothing: intake takes every Sparkplug message
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
        }
    }
}
