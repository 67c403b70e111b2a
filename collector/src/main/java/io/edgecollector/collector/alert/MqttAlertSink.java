package io.edgecollector.collector.alert;

import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.common.MqttTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * Publishes each event QoS 1, retained, on {@code <prefix>/<sensor_id>/<metric>/<rule>}, so a
 * subscriber that comes later sees the current state of every alert at once. Its own
 * connection (client id {@code <client_id>-alerts}, clean start), opened on first use and
 * again after a failure; the checkpoint advances once the broker acknowledged every publish.
 */
final class MqttAlertSink implements AlertSink {
    private static final long WAIT_MS = 10_000;

    private final CollectorConfig config;
    private final String prefix;
    private final FileCheckpoint checkpoint;
    private MqttAsyncClient client;

    MqttAlertSink(CollectorConfig config, Path checkpointFile) throws IOException {
        this.config = config;
        this.prefix = config.alertsTopicPrefix();
        this.checkpoint = new FileCheckpoint(checkpointFile);
    }

    @Override
    public String name() {
        return "mqtt";
    }

    @Override
    public long checkpoint(String alertFile) {
        return checkpoint.get(alertFile);
    }

    @Override
    public void deliver(String alertFile, List<AlertEvent> events, long endOffset) throws Exception {
        MqttAsyncClient c = connected();
        List<IMqttToken> tokens = new ArrayList<>(events.size());
        try {
            for (AlertEvent e : events) {
                MqttMessage m = new MqttMessage(e.toJson().toString().getBytes(StandardCharsets.UTF_8), 1, true, null);
                tokens.add(c.publish(topic(prefix, e), m));
            }
            for (IMqttToken t : tokens) {
                t.waitForCompletion(WAIT_MS);
            }
        } catch (MqttException e) {
            disconnect();
            throw e;
        }
        checkpoint.put(alertFile, endOffset);
    }

    /** The topic of an event; '+' and '#' (wildcards, not allowed in a topic name) become '_'. */
    static String topic(String prefix, AlertEvent e) {
        return prefix + "/" + level(e.sensorId()) + "/" + level(e.metric()) + "/" + level(e.rule());
    }

    private static String level(String s) {
        return s.replace('+', '_').replace('#', '_');
    }

    private MqttAsyncClient connected() throws MqttException, IOException {
        if (client != null && client.isConnected()) {
            return client;
        }
        disconnect();
        MqttAsyncClient c = new MqttAsyncClient(config.brokerUrl(), config.clientId() + "-alerts", new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        if (config.tls()) {
            o.setSocketFactory(MqttTls.socketFactory(new MqttTls.Files(config.caFile(), config.clientCert(), config.clientKey())));
        }
        o.setCleanStart(true);
        o.setConnectionTimeout(10);
        o.setKeepAliveInterval(30);
        if (!config.mqttUsername().isEmpty()) {
            o.setUserName(config.mqttUsername());
        }
        if (!config.mqttPassword().isEmpty()) {
            o.setPassword(config.mqttPassword().value().getBytes(StandardCharsets.UTF_8));
        }
        c.connect(o).waitForCompletion(WAIT_MS);
        client = c;
        return c;
    }

    private void disconnect() {
        if (client == null) {
            return;
        }
        try {
            if (client.isConnected()) {
                client.disconnect().waitForCompletion(2_000);
            }
            client.close();
        } catch (MqttException e) {
            // the connection is abandoned either way; the next delivery opens a new one
        }
        client = null;
    }

    @Override
    public void close() {
        disconnect();
    }
}
