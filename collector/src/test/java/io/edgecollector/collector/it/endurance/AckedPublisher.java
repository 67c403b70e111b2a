package io.edgecollector.collector.it.endurance;

import java.util.BitSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttActionListener;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;

/**
 * Publishes {@link Traffic} at QoS 1 at a steady rate, through broker restarts: a lost
 * connection is replaced by a new client (what was in flight on the old one has an unknown
 * fate). Remembers which messages went out and which the broker confirmed with a PUBACK: only
 * those are owed a row or a rejection.
 */
final class AckedPublisher implements AutoCloseable {
    private static final int WINDOW = 500;
    /** Paho logs a broken pipe at SEVERE on every broker restart: expected here, so kept quiet (held: JUL keeps loggers weakly). */
    private static final java.util.logging.Logger PAHO = quiet(java.util.logging.Logger.getLogger("org.eclipse.paho.mqttv5.client"));

    private final String brokerUrl;
    private final String clientId;
    private final Traffic traffic;
    private final double rate;
    private final BitSet sent = new BitSet();
    private final BitSet acked = new BitSet();
    private final Thread thread = new Thread(this::publishUntilStopped, "endurance-publisher");
    private volatile boolean stopping;
    private volatile long next;
    private volatile int connects;
    private volatile Link link;

    private record Link(MqttAsyncClient client, Semaphore window) {
    }

    AckedPublisher(String brokerUrl, String clientId, Traffic traffic, double rate) {
        this.brokerUrl = brokerUrl;
        this.clientId = clientId;
        this.traffic = traffic;
        this.rate = rate;
    }

    private static java.util.logging.Logger quiet(java.util.logging.Logger logger) {
        logger.setLevel(java.util.logging.Level.OFF);
        return logger;
    }

    void start() {
        thread.setDaemon(true);
        thread.start();
    }

    private void publishUntilStopped() {
        long start = System.nanoTime();
        long published = 0;
        while (!stopping) {
            long due = start + (long) (published * 1e9 / rate);
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            } else if (wait < -1_000_000_000L) {
                start = System.nanoTime(); // more than 1 s behind (a broker restart): go on at the rate, no flood
                published = 0;
            }
            if (publish(next)) {
                next++;
                published++;
            }
        }
    }

    /** Publishes message n; false if there was no connection to publish it on (try again). */
    private boolean publish(long n) {
        try {
            if (link == null || !link.client.isConnected()) {
                reconnect();
            }
            Link l = link;
            if (!l.window.tryAcquire(1, TimeUnit.SECONDS)) {
                return false;
            }
            MqttMessage m = new MqttMessage(traffic.payload(n));
            m.setQos(1);
            synchronized (this) {
                sent.set((int) n);
            }
            try {
                l.client.publish(traffic.topic(n), m, null, new MqttActionListener() {
                    @Override
                    public void onSuccess(IMqttToken token) {
                        synchronized (AckedPublisher.this) {
                            acked.set((int) n);
                        }
                        l.window.release();
                    }

                    @Override
                    public void onFailure(IMqttToken token, Throwable e) {
                        l.window.release();
                    }
                });
            } catch (MqttException e) {
                l.window.release();
            }
            return true;
        } catch (MqttException e) {
            pause();
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopping = true;
            return false;
        }
    }

    private void pause() {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }

    private void reconnect() throws MqttException {
        close(link);
        link = null;
        MqttAsyncClient client = new MqttAsyncClient(brokerUrl, clientId, new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setConnectionTimeout(5);
        try {
            client.connect(o).waitForCompletion(10_000);
        } catch (MqttException e) {
            close(new Link(client, null));
            throw e;
        }
        connects++;
        link = new Link(client, new Semaphore(WINDOW));
    }

    private static void close(Link l) {
        if (l == null) {
            return;
        }
        try {
            if (l.client.isConnected()) {
                l.client.disconnect(2000).waitForCompletion(3000);
            }
        } catch (MqttException e) {
            // a broken connection: closing is all there is left to do
        }
        try {
            l.client.close(true);
        } catch (MqttException e) {
            // as above
        }
    }

    /** Messages handed to the client so far (their numbers are 0..published()-1, each went out at most once). */
    synchronized BitSet sent() {
        return (BitSet) sent.clone();
    }

    /** Messages the broker confirmed. */
    synchronized BitSet acked() {
        return (BitSet) acked.clone();
    }

    long published() {
        return next;
    }

    int connects() {
        return connects;
    }

    /** Stops publishing and waits (at most 30 s) for the broker to confirm what is in flight. */
    @Override
    public void close() throws InterruptedException {
        stopping = true;
        thread.join(10_000);
        Link l = link;
        if (l != null && l.window.tryAcquire(WINDOW, 30, TimeUnit.SECONDS)) {
            l.window.release(WINDOW);
        }
        close(l);
    }
}
