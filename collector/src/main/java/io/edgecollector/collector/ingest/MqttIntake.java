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
import org.eclipse.paho.mqttv5.client.MqttClientException;
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
 * broker's max_inflight_messages, 20 by default).
 *
 * <p>Connects on its own thread with capped backoff until connected or stopped, and reconnects
 * the same way, with a fresh Paho client per connection (the old one closed) and the topics
 * subscribed again on each. Paho's own automatic reconnect is not used: after a broker restart
 * under load it once stalled for good (never reconnected, intake never resumed). Each connection
 * has a number; an acknowledgement is sent only on the connection its message came on.
 */
public final class MqttIntake implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(MqttIntake.class);
    private static final int MAX_BACKOFF_SECONDS = 30;
    private static final long CONNECT_TIMEOUT_MILLIS = TimeUnit.SECONDS.toMillis(15);
    /** How often the connection thread looks at a connection it holds, should a loss go unreported. */
    private static final long WATCH_MILLIS = 1000;

    /** Receives each message on the client's callback thread. */
    public interface Handler {
        boolean handle(String topic, byte[] payload, int qos, Pending.Ack ack) throws InterruptedException;
    }

    private final CollectorConfig config;
    private final Handler handler;
    private final Metrics metrics;
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
    private volatile Link link;
    /** Set by {@link #stop}: no connection is made after it. */
    private boolean closed;
    private volatile boolean connectedOnce;
    private volatile boolean subscribed;

    public MqttIntake(CollectorConfig config, Handler handler, RedeliveryDetector redeliveries, Metrics metrics)
            throws IOException {
        this.redeliveries = redeliveries;
        this.subscriptions = new SubscriptionMemory(config.rawDir());
        this.config = config;
        this.handler = handler;
        this.metrics = metrics;
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
        o.setAutomaticReconnect(false);
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

    /** Connects, subscribes and holds the connection until it is lost; again until stopped. */
    private void connectUntilStopped() {
        Backoff backoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(MAX_BACKOFF_SECONDS));
        try {
            while (!stopping) {
                try {
                    hold(open());
                    backoff.reset();
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

    /**
     * A new client, connected and subscribed. The connection's number and the redelivery
     * detector move on before connecting: the broker resends right after its CONNACK.
     */
    private Link open() throws MqttException {
        Link l = register(new Link(connection.incrementAndGet(),
                new MqttAsyncClient(config.brokerUrl(), config.clientId(), new MemoryPersistence())));
        redeliveries.connected();
        try {
            l.client.connect(options).waitForCompletion(CONNECT_TIMEOUT_MILLIS);
            LOG.info("event=connected url={} client_id={} connection={}", config.brokerUrl(), config.clientId(), l.id);
            metrics.brokerConnected(connectedOnce);
            connectedOnce = true;
            connectSettled.countDown();
            unsubscribeRemoved(l.client);
            List<String> topics = config.topics();
            MqttSubscription[] subs = topics.stream().map(t -> new MqttSubscription(t, 1)).toArray(MqttSubscription[]::new);
            l.client.subscribe(subs, null, null, new MqttProperties()).waitForCompletion(CONNECT_TIMEOUT_MILLIS);
            subscribed = true;
            firstSubscribed.countDown();
            remember(topics);
            LOG.info("event=subscribed url={} topics={} client_id={} connection={}", config.brokerUrl(), topics,
                    config.clientId(), l.id);
            return l;
        } catch (MqttException e) {
            l.close();
            throw e;
        }
    }

    /** The connection from now on; refused (closed at once) once {@link #stop} has run. */
    private synchronized Link register(Link l) throws MqttException {
        if (closed) {
            l.close();
            throw new MqttException(MqttClientException.REASON_CODE_CLIENT_CLOSED);
        }
        l.client.setManualAcks(true);
        l.client.setCallback(l);
        link = l;
        return l;
    }

    /**
     * Holds the connection until it is lost (then closes it) or intake stops (then leaves it
     * open: what was taken is still to be acknowledged on it, and {@link #stop} disconnects).
     */
    private void hold(Link l) throws InterruptedException {
        while (!stopRequested.await(WATCH_MILLIS, TimeUnit.MILLISECONDS)) {
            if (l.lost.getCount() == 0 || !l.client.isConnected()) {
                subscribed = false;
                l.close();
                return;
            }
        }
    }

    public boolean isSubscribed() {
        Link l = link;
        return subscribed && l != null && l.client.isConnected();
    }

    /** Filters this client id had before and the configuration dropped: the session must forget them. */
    private void unsubscribeRemoved(MqttAsyncClient client) {
        List<String> removed = subscriptions.removed(config.clientId(), config.topics());
        if (removed.isEmpty()) {
            return;
        }
        try {
            client.unsubscribe(removed.toArray(String[]::new), null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    LOG.info("event=unsubscribed url={} topics={} client_id={}", config.brokerUrl(), removed, config.clientId());
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

    /**
     * A message of connection {@code conn}, handed on with the means to acknowledge it there.
     * Not taken once intake stops: it stays unacknowledged and comes back later.
     */
    private void arrived(Link l, String topic, MqttMessage message) {
        if (stopping) {
            return;
        }
        int qos = message.getQos();
        int id = message.getId();
        Pending.Ack ack = qos == 0 ? Pending.Ack.NONE : () -> acknowledge(l, id, qos);
        try {
            handler.handle(topic, message.getPayload(), qos, ack);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Acknowledges a message on the connection it arrived on; whether the acknowledgement went
     * out. After a reconnect the broker resends what was unacknowledged, so a message of an
     * older connection is left alone (its id may mean another message on the new one).
     */
    private boolean acknowledge(Link l, int id, int qos) {
        if (l.id != connection.get() || !l.client.isConnected()) {
            return false;
        }
        try {
            l.client.messageArrivedComplete(id, qos);
            return true;
        } catch (MqttException e) {
            LOG.debug("event=ack_failed id={} cause=\"{}\"", id, e.getMessage());
            return false;
        }
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
        Link l;
        synchronized (this) {
            closed = true;
            l = link;
        }
        if (l != null) {
            l.disconnect();
        }
    }

    /** One connection: its number, its own Paho client, and whether the client reported it lost. */
    private final class Link implements MqttCallback {
        final long id;
        final MqttAsyncClient client;
        final CountDownLatch lost = new CountDownLatch(1);
        private boolean closed;

        Link(long id, MqttAsyncClient client) {
            this.id = id;
            this.client = client;
        }

        @Override
        public void messageArrived(String topic, MqttMessage message) {
            arrived(this, topic, message);
        }

        @Override
        public void disconnected(MqttDisconnectResponse response) {
            lost.countDown();
            if (!stopping) {
                metrics.brokerDisconnected();
                LOG.warn("event=broker_lost url={} connection={} cause=\"{}\"; reconnecting", config.brokerUrl(), id,
                        response.getException() != null ? response.getException().getMessage() : response.getReasonString());
            }
        }

        @Override
        public void mqttErrorOccurred(MqttException exception) {
            LOG.warn("event=mqtt_error connection={} cause=\"{}\"", id, exception.getMessage());
        }

        @Override
        public void deliveryComplete(IMqttToken token) {
            // the collector publishes nothing
        }

        @Override
        public void connectComplete(boolean reconnect, String serverURI) {
            // the connection thread carries on after connect returns
        }

        @Override
        public void authPacketArrived(int reasonCode, MqttProperties properties) {
            // no extended authentication
        }

        /** A clean goodbye (the session stays on the broker), then close. */
        void disconnect() {
            try {
                if (client.isConnected()) {
                    client.disconnect(1000).waitForCompletion(3000);
                }
            } catch (MqttException e) {
                LOG.debug("event=disconnect_failed connection={} cause=\"{}\"", id, e.getMessage());
            }
            close();
        }

        /** Closes the client and its threads; safe twice. */
        synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            try {
                if (client.isConnected()) {
                    client.disconnectForcibly(0, 1000, false);
                }
            } catch (MqttException e) {
                LOG.debug("event=disconnect_failed connection={} cause=\"{}\"", id, e.getMessage());
            }
            try {
                client.close(true);
            } catch (MqttException e) {
                LOG.debug("event=close_failed connection={} cause=\"{}\"", id, e.getMessage());
            }
        }
    }
}
