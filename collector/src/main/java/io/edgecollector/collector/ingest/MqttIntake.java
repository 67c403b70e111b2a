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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MQTT side: an MQTT 5 persistent session (stable client id, clean start off) at QoS 1,
 * each message acknowledged once its raw line is on disk. MQTT 5 lets the collector announce a
 * Receive Maximum larger than a batch, so the broker keeps sending while a batch fills (an MQTT 3
 * session stops at the broker's max_inflight_messages, 20 by default).
 *
 * <p>Connects on its own thread with capped backoff until connected or stopped, and reconnects
 * the same way, with a fresh {@link MqttConnection} each time (the old one closed) and the topics
 * subscribed again on each. Each connection has a number; an acknowledgement is sent only on the
 * connection its message came on. Messages are handled on the connection's reader thread; the
 * acknowledgements of a batch are queued and go out together ({@link #sendAcks}).
 */
public final class MqttIntake implements Component {
    private static final Logger LOG = LoggerFactory.getLogger(MqttIntake.class);
    private static final int MAX_BACKOFF_SECONDS = 30;
    /** For the TCP connection, the TLS handshake and the CONNACK. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /**
     * For a SUBACK or UNSUBACK: generous, since the answer may come behind a resumed backlog that
     * the reader takes in only as fast as the raw log makes it durable (messages flow meanwhile).
     */
    private static final Duration SUBSCRIBE_TIMEOUT = Duration.ofSeconds(60);
    private static final int KEEP_ALIVE_SECONDS = 30;
    /** How often the connection thread looks after the connection it holds: keep-alive, and a loss. */
    private static final long WATCH_MILLIS = 1000;
    /** A connection lost sooner than this after it was made is followed by a backoff, not a reconnect at once. */
    private static final long STABLE_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** Receives each message on the connection's reader thread. */
    public interface Handler {
        boolean handle(String topic, byte[] payload, int qos, Pending.Ack ack) throws InterruptedException;
    }

    private final CollectorConfig config;
    private final Handler handler;
    private final Metrics metrics;
    private final MqttConnection.Options options;
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

    private static MqttConnection.Options options(CollectorConfig config) throws IOException {
        return new MqttConnection.Options(config.brokerUrl(), config.clientId(), config.mqttUsername(),
                config.mqttPassword().value().getBytes(StandardCharsets.UTF_8), KEEP_ALIVE_SECONDS,
                config.sessionExpiry().toSeconds(), receiveMaximum(config.batchSize()), CONNECT_TIMEOUT,
                config.tls() ? MqttTls.socketFactory(new MqttTls.Files(config.caFile(), config.clientCert(), config.clientKey())) : null);
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
                long delay;
                try {
                    Link l = open();
                    long connectedAt = System.nanoTime();
                    hold(l);
                    if (stopping || System.nanoTime() - connectedAt >= STABLE_NANOS) {
                        backoff.reset();
                        continue;
                    }
                    // lost again soon after connecting (another client with this id, say): no tight loop
                    delay = backoff.next();
                    LOG.warn("event=broker_connection_short url={} retry_in={}s", config.brokerUrl(), delay / 1000);
                } catch (IOException | RuntimeException e) { // nothing ends reconnecting but a stop
                    delay = backoff.next();
                    LOG.warn("event=broker_connect_failed url={} cause=\"{}\" retry_in={}s",
                            config.brokerUrl(), e.getMessage() == null ? e.toString() : e.getMessage(), delay / 1000);
                }
                if (stopRequested.await(delay, TimeUnit.MILLISECONDS)) {
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            connectSettled.countDown();
        }
    }

    /**
     * A new connection, subscribed. The connection's number and the redelivery detector move on
     * before connecting: the broker resends right after its CONNACK.
     */
    private Link open() throws IOException, InterruptedException {
        Link l = new Link(connection.incrementAndGet());
        redeliveries.connected();
        l.connection = MqttConnection.open(options, l, "collector-intake-" + l.id);
        try {
            register(l);
            l.connection.start();
            LOG.info("event=connected url={} client_id={} connection={} session_resumed={}", config.brokerUrl(),
                    config.clientId(), l.id, l.connection.sessionPresent());
            if (connectedOnce && !l.connection.sessionPresent()) {
                LOG.warn("event=session_not_resumed url={} client_id={}: the broker kept no session for this client id"
                        + " (expired after mqtt.session_expiry, or a broker restarted without persistence);"
                        + " what was published to it meanwhile was not kept for it", config.brokerUrl(), config.clientId());
            }
            metrics.brokerConnected(connectedOnce);
            connectedOnce = true;
            connectSettled.countDown();
            unsubscribeRemoved(l.connection);
            List<String> topics = config.topics();
            List<String> refused = l.connection.subscribe(topics, SUBSCRIBE_TIMEOUT);
            if (!refused.isEmpty()) {
                LOG.warn("event=subscribe_refused url={} topics={} client_id={}", config.brokerUrl(), refused, config.clientId());
            }
            subscribed = true;
            firstSubscribed.countDown();
            remember(topics);
            LOG.info("event=subscribed url={} topics={} client_id={} connection={}", config.brokerUrl(), topics,
                    config.clientId(), l.id);
            return l;
        } catch (IOException | RuntimeException e) {
            l.close();
            throw e;
        }
    }

    /** The connection from now on; refused (closed at once) once {@link #stop} has run. */
    private synchronized void register(Link l) throws IOException {
        if (closed) {
            l.close();
            throw new IOException("intake stopped");
        }
        link = l;
    }

    /**
     * Holds the connection until it is lost (then closes it) or intake stops (then leaves it
     * open: what was taken is still to be acknowledged on it, and {@link #stop} disconnects).
     */
    private void hold(Link l) throws InterruptedException {
        while (!stopRequested.await(WATCH_MILLIS, TimeUnit.MILLISECONDS)) {
            if (l.lost.getCount() == 0 || !l.connection.keepAlive() || !l.connection.isOpen()) {
                subscribed = false;
                l.close();
                return;
            }
        }
    }

    public boolean isSubscribed() {
        Link l = link;
        return subscribed && l != null && l.connection.isOpen();
    }

    /** Filters this client id had before and the configuration dropped: the session must forget them. */
    private void unsubscribeRemoved(MqttConnection c) throws InterruptedException {
        List<String> removed = subscriptions.removed(config.clientId(), config.topics());
        if (removed.isEmpty()) {
            return;
        }
        try {
            List<String> refused = c.unsubscribe(removed, SUBSCRIBE_TIMEOUT);
            if (refused.isEmpty()) {
                LOG.info("event=unsubscribed url={} topics={} client_id={}", config.brokerUrl(), removed, config.clientId());
            } else {
                LOG.warn("event=unsubscribe_failed topics={} cause=\"refused\"", refused);
            }
        } catch (IOException e) {
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
     * A message of connection {@code l}, handed on with the means to acknowledge it there.
     * Not taken once intake stops: it stays unacknowledged and comes back later.
     */
    private void arrived(Link l, String topic, byte[] payload, int qos, int id) throws InterruptedException {
        if (stopping) {
            return;
        }
        Pending.Ack ack = qos == 0 ? Pending.Ack.NONE : () -> acknowledge(l, id);
        handler.handle(topic, payload, qos, ack);
    }

    /**
     * Queues the acknowledgement of a message on the connection it arrived on; whether it was
     * queued (it goes out with {@link #sendAcks}). After a reconnect the broker resends what was
     * unacknowledged, so a message of an older connection is left alone (its id may mean another
     * message on the new one).
     */
    private boolean acknowledge(Link l, int id) {
        if (l.id != connection.get()) {
            return false;
        }
        return l.connection.ack(id);
    }

    /** Sends the acknowledgements queued since the last call in one write (the writer calls it after each batch). */
    public void sendAcks() {
        Link l = link;
        if (l != null) {
            l.connection.sendAcks();
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

    /** One connection: its number, its {@link MqttConnection}, and whether it was reported lost. */
    private final class Link implements MqttConnection.Listener {
        final long id;
        volatile MqttConnection connection;
        final CountDownLatch lost = new CountDownLatch(1);

        Link(long id) {
            this.id = id;
        }

        @Override
        public void message(String topic, byte[] payload, int qos, int packetId) throws InterruptedException {
            arrived(this, topic, payload, qos, packetId);
        }

        @Override
        public void lost(String cause) {
            lost.countDown();
            if (!stopping) {
                metrics.brokerDisconnected();
                LOG.warn("event=broker_lost url={} connection={} cause=\"{}\"; reconnecting", config.brokerUrl(), id, cause);
            }
        }

        /** A clean goodbye (the session stays on the broker), then close. */
        void disconnect() {
            MqttConnection c = connection;
            if (c != null) {
                c.disconnect();
            }
        }

        /** Closes the connection and its thread; safe twice. */
        void close() {
            MqttConnection c = connection;
            if (c != null) {
                c.close();
            }
        }
    }
}
