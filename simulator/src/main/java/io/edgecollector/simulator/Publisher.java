package io.edgecollector.simulator;

import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * Publishes with a window of messages in flight (no more than the broker's Receive Maximum),
 * so a flood runs as fast as the broker takes it without being cut off. Counts, by kind, what
 * the broker confirmed.
 */
public final class Publisher implements AutoCloseable {
    private static final int MAX_WINDOW = 1000;

    private final MqttAsyncClient client;
    private final int qos;
    private final AtomicLongArray confirmed = new AtomicLongArray(Kind.values().length);
    private final AtomicLong failed = new AtomicLong();
    private Semaphore window;
    private int windowSize;

    public Publisher(String brokerUrl, String clientId, int qos) throws MqttException {
        this.client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        this.qos = qos;
    }

    public void connect(String username, String password) throws MqttException {
        connect(username, password, null);
    }

    /** Connects; socketFactory is for ssl:// URLs (null: plain TCP or the JVM's TLS defaults). */
    public void connect(String username, String password, javax.net.SocketFactory socketFactory) throws MqttException {
        MqttConnectionOptions o = new MqttConnectionOptions();
        if (socketFactory != null) {
            o.setSocketFactory(socketFactory);
        }
        o.setCleanStart(true);
        o.setConnectionTimeout(10);
        if (username != null && !username.isEmpty()) {
            o.setUserName(username);
        }
        if (password != null && !password.isEmpty()) {
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        IMqttToken token = client.connect(o);
        token.waitForCompletion(15_000);
        Integer serverMax = token.getResponseProperties() == null ? null
                : token.getResponseProperties().getReceiveMaximum();
        windowSize = Math.max(1, Math.min(serverMax == null ? MAX_WINDOW : serverMax, MAX_WINDOW));
        window = new Semaphore(windowSize);
    }

    public void publish(Message m) throws InterruptedException {
        window.acquire();
        MqttMessage msg = new MqttMessage(m.payload());
        msg.setQos(qos);
        try {
            client.publish(m.topic(), msg, null, new MqttActionListener() {
                @Override
                public void onSuccess(IMqttToken token) {
                    confirmed.incrementAndGet(m.kind().ordinal());
                    window.release();
                }

                @Override
                public void onFailure(IMqttToken token, Throwable e) {
                    failed.incrementAndGet();
                    window.release();
                }
            });
        } catch (MqttException e) {
            failed.incrementAndGet();
            window.release();
        }
    }

    /** Waits until every message in flight is confirmed or failed. */
    public void flush(long timeoutMillis) throws InterruptedException {
        if (window.tryAcquire(windowSize, timeoutMillis, TimeUnit.MILLISECONDS)) {
            window.release(windowSize);
        }
    }

    public Map<Kind, Long> confirmed() {
        Map<Kind, Long> out = new EnumMap<>(Kind.class);
        for (Kind k : Kind.values()) {
            out.put(k, confirmed.get(k.ordinal()));
        }
        return out;
    }

    public long failed() {
        return failed.get();
    }

    @Override
    public void close() {
        try {
            flush(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            if (client.isConnected()) {
                client.disconnect(5000).waitForCompletion(6000);
            }
            client.close(true);
        } catch (MqttException e) {
            // closing: nothing left to report to
        }
    }
}
