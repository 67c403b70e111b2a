package io.edgecollector.collector.ingest;

import io.edgecollector.collector.buffer.Pending;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.lifecycle.Backoff;
import io.edgecollector.collector.lifecycle.Component;
import io.edgecollector.collector.metrics.Metrics;
import io.edgecollector.common.MqttTls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT side: an MQTT 5 persistent session (stable client id, clean start off) at QoS 1
 * with manual acknowledgements. MQTT 5 lets the collector announce a Receive Maximum larger
 * than a batch, so the broker keeps sending while a batch fills (an MQTT 3 session stops at the
 * broker's max_inflight_messages, 20 by default). Connects on its own thread with capped
 * backoff until connected or stopped, reconnects the same way, and subscribes again on every
 * connect.
 */
public final class MqttIntake implements MqttCallback, Component {
    private static final Logger LOG = LoggerFactory.getLogger(MqttIntake.class);
    private static final int MAX_BACKOFF_SECONDS = 30;

    /** Receives each message on the client's callback thread. */
    public interface Handler {
        boolean handle(String topic, byte[] payload, int qos, Pending.Ack ack) throws InterruptedException;
    }

    private final CollectorConfig config;
    private final Handler handler;
    private final Metrics metrics;
    private final MqttAsyncClient client;
    private final MqttConnectionOptions options;
    private final AtomicLong connection = new AtomicLong();
    private final RedeliveryDetector redeliveries;
    private final SubscriptionMemory subscriptions;
    private volatile boolean stopping;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    /** Counted down once connected or once stopped: what a start waits on. */
    private final CountDownLatch connectSettled = new CountDownLatch(1);
    private final CountDownLatch firstSubscribed = new CountDownLatch(1);
    private final Thread connecting = new Thread(this::connectUntilStopped, "collector-mqtt-connect");
    private volatile boolean connectedOnce;
    private volatile boolean subscribed;

    public MqttIntake(CollectorConfig config, Handler handler, RedeliveryDetector redeliveries, Metrics metrics)
            throws MqttException, IOException {
        this.redeliveries = redeliveries;
        this.subscriptions = new SubscriptionMemory(config.rawDir());
        this.config = config;
        this.handler = handler;
        this.metrics = metrics;
        this.client = new MqttAsyncClient(config.brokerUrl(), config.clientId(), new MemoryPersistence());
        this.client.setManualAcks(true);
        this.client.setCallback(this);
        this.options = options(config);
    }

    public static int receiveMaximum(int batchSize) {
        return Math.min(65_535, Math.max(100, batchSize * 2));
    }

    private static MqttConnectionOptions options(CollectorConfig config) throws IOException {
        MqttConnectionOptions o = new MqttConnectionOptions();
        if (config.tls()) {
            o.setSocketFactory(MqttTls.socketFactory(new MqttTls.Files(config.caFile(), config.clientCert(), config.clientKey())));
        } else {
            o.setSocketFactory(new BufferedSocketFactory());
        }
        o.setCleanStart(false);
        o.setSessionExpiryInterval(config.sessionExpiry().toSeconds());
        o.setReceiveMaximum(receiveMaximum(config.batchSize()));
        o.setAutomaticReconnect(true);
        o.setAutomaticReconnectDelay(1, MAX_BACKOFF_SECONDS);
        o.setKeepAliveInterval(30);
        o.setConnectionTimeout(10);
        if (!config.mqttUsername().isEmpty()) {
            o.setUserName(config.mqttUsername());
        }
        if (!config.mqttPassword().isEmpty()) {
            o.setPassword(config.mqttPassword().value().getBytes(StandardCharsets.UTF_8));
        }
        return o;
    }

    @Override
    public String name() {
        return "intake";
    }

    /** Starts connecting in the background; see {@link #awaitConnected(Duration)}. */
    @Override
    public void start() {
        connecting.setDaemon(true);
        connecting.start();
    }

    /**
     * Waits until connected, stopped, or maxWait has passed (connecting goes on in the
     * background until stopped).
     * @return whether it connected
     */
    public boolean awaitConnected(Duration maxWait) throws InterruptedException {
        connectSettled.await(maxWait.toNanos(), TimeUnit.NANOSECONDS);
        return connectedOnce;
    }

    /** Waits at most atMost for the first subscription; whether it came. */
    public boolean awaitSubscribed(Duration atMost) throws InterruptedException {
        return firstSubscribed.await(atMost.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void connectUntilStopped() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(MAX_BACKOFF_SECONDS));
        try {
            while (!stopping) {
                try {
                    client.connect(options).waitForCompletion(TimeUnit.SECONDS.toMillis(15));
                    connectedOnce = true;
                    return;
                } catch (MqttException e) {
                    long delay = backoff.next();
                    LOG.warn("event=broker_connect_failed url={} cause=\"{}\" retry_in={}s",
                            config.brokerUrl(), e.getMessage(), delay / 1000);
                    if (stopRequested.await(delay, TimeUnit.MILLISECONDS)) {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connectSettled.countDown();
        }
    }

    public boolean isSubscribed() {
        return subscribed && client.isConnected();
    }

    @Override
    public void connectComplete(boolean reconnect, String serverURI) {
        long id = connection.incrementAndGet();
        LOG.info("event=connected url={} client_id={} connection={}", serverURI, config.clientId(), id);
        redeliveries.connected();
        metrics.brokerConnected(reconnect);
        unsubscribeRemoved(serverURI);
        List<String> topics = config.topics();
        MqttSubscription[] subs = topics.stream().map(t -> new MqttSubscription(t, 1)).toArray(MqttSubscription[]::new);
        try {
            client.subscribe(subs, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    subscribed = true;
                    firstSubscribed.countDown();
                    remember(topics);
                    LOG.info("event=subscribed url={} topics={} client_id={} connection={}",
                            serverURI, topics, config.clientId(), id);
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    LOG.error("event=subscribe_failed url={} topics={} cause=\"{}\"", serverURI, topics, e.getMessage());
                }
            }, new MqttProperties());
        } catch (MqttException e) {
            LOG.error("event=subscribe_failed url={} topics={} cause=\"{}\"", serverURI, topics, e.getMessage());
        }
    }

    /** Filters this client id had before and the configuration dropped: the session must forget them. */
    private void unsubscribeRemoved(String serverURI) {
        List<String> removed = subscriptions.removed(config.clientId(), config.topics());
        if (removed.isEmpty()) {
            return;
        }
        try {
            client.unsubscribe(removed.toArray(String[]::new), null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    LOG.info("event=unsubscribed url={} topics={} client_id={}", serverURI, removed, config.clientId());
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    LOG.warn("event=unsubscribe_failed topics={} cause=\"{}\"", removed, e.getMessage());
                }
            }, new MqttProperties());
        } catch (MqttException e) {
            LOG.warn("event=unsubscribe_failed topics={} cause=\"{}\"", removed, e.getMessage());
        }
    }

    private void remember(List<String> topics) {
        try {
            subscriptions.remember(config.clientId(), topics);
        } catch (java.io.IOException e) {
            LOG.warn("event=subscriptions_not_remembered file={} cause=\"{}\"", config.rawDir(), e.getMessage());
        }
    }

    @Override
    public void messageArrived(String topic, MqttMessage message) {
        if (stopping) {
            return;
        }
        int qos = message.getQos();
        long conn = connection.get();
        int id = message.getId();
        Pending.Ack ack = qos == 0 ? Pending.Ack.NONE : () -> acknowledge(id, qos, conn);
        try {
            handler.handle(topic, message.getPayload(), qos, ack);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Acknowledges a message on the connection it arrived on. After a reconnect the broker
     * resends what was unacknowledged, so an id from an older connection is left alone.
     */
    private void acknowledge(int id, int qos, long conn) {
        if (conn != connection.get()) {
            return;
        }
        try {
            client.messageArrivedComplete(id, qos);
        } catch (MqttException e) {
            LOG.debug("event=ack_failed id={} cause=\"{}\"", id, e.getMessage());
        }
    }

    @Override
    public void disconnected(MqttDisconnectResponse response) {
        subscribed = false;
        if (!stopping) {
            metrics.brokerDisconnected();
            LOG.warn("event=broker_lost url={} cause=\"{}\"; reconnecting", config.brokerUrl(),
                    response.getException() != null ? response.getException().getMessage() : response.getReasonString());
        }
    }

    @Override
    public void mqttErrorOccurred(MqttException exception) {
        LOG.warn("event=mqtt_error cause=\"{}\"", exception.getMessage());
    }

    @Override
    public void deliveryComplete(IMqttToken token) {
        // the collector publishes nothing
    }

    @Override
    public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // no extended authentication
    }

    /** Stops taking messages; those not yet taken stay unacknowledged and come back later. */
    public void stopIntake() {
        stopping = true;
        stopRequested.countDown();
    }

    /** Stops intake and disconnects (a connect under way ends within its own 15 s timeout). */
    @Override
    public void stop(Duration timeout) {
        stopIntake();
        try {
            connecting.join(Math.max(1, Math.min(timeout.toMillis(), 1000)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected()) {
                client.disconnect(1000).waitForCompletion(3000);
            }
        } catch (MqttException e) {
            LOG.debug("event=disconnect_failed cause=\"{}\"", e.getMessage());
        }
        try {
            client.close(true);
        } catch (MqttException e) {
            LOG.debug("event=close_failed cause=\"{}\"", e.getMessage());
        }
    }
}
