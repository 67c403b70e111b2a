import io.edgecollector.collector.ingest.MqttConnection;
import io.edgecollector.collector.ingest.SocketInput;
import java.time.Duration;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import javax.net.SocketFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;

/**
 * The ceiling of Paho MQTT 5 in one JVM: the collector's client settings (persistent session,
 * QoS 1, manual acknowledgements, the same Receive Maximum), every message acknowledged at once
 * on the callback thread and otherwise dropped.
 *   SOCKET plain: Paho's own socket; buffered: one read through a 64 KiB buffer (BufferedSocketFactory below);
 *   own: not Paho but the collector's own MQTT connection (ingest/MqttConnection), each message
 *   acknowledged at once on its reader thread, in a write of its own.
 *   CONNECTIONS above 1: that many clients in this one JVM, members of one shared subscription
 *   ($share/CLIENT_ID/TOPIC), each with its own receiver and callback thread: the way past one
 *   connection's ceiling where there are cores for it.
 * Usage: java -cp collector/target/collector.jar bench/PahoDrain.java BROKER_URL CLIENT_ID TOPIC N register|drain SOCKET CONNECTIONS
 */
public class PahoDrain {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String clientId = args[1];
        String topic = args[2];
        long n = Long.parseLong(args[3]);
        boolean registerOnly = args[4].equals("register");
        boolean buffered = args[5].equals("buffered");
        int connections = Integer.parseInt(args[6]);
        if (args[5].equals("own")) {
            own(url, clientId, topic, n, registerOnly);
            return;
        }
        String filter = connections > 1 ? "$share/" + clientId + "/" + topic : topic;
        AtomicLong received = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        List<MqttAsyncClient> clients = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < connections; i++) {
            MqttAsyncClient client = new MqttAsyncClient(url, connections > 1 ? clientId + "-" + i : clientId,
                    new MemoryPersistence());
            client.setManualAcks(true);
            client.setCallback(new Callback(client, received, n, done));
            MqttConnectionOptions o = new MqttConnectionOptions();
            o.setCleanStart(false);
            o.setSessionExpiryInterval(3600L);
            o.setReceiveMaximum(2000);
            if (buffered) {
                o.setSocketFactory(new BufferedSocketFactory());
            }
            client.connect(o).waitForCompletion(10_000);
            client.subscribe(filter, 1).waitForCompletion(10_000);
            clients.add(client);
        }
        if (!registerOnly) {
            if (!done.await(10, TimeUnit.MINUTES)) {
                System.out.println("paho drain: only " + received.get() + " of " + n);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            String what = connections > 1
                    ? connections + " shared-subscription Paho connections in one JVM (" + (buffered ? "buffered" : "Paho's own") + " socket)"
                    : "bare Paho MQTT 5 drain (" + (buffered ? "buffered socket" : "Paho's own socket") + ")";
            System.out.printf("%s, manual acks, no work: %d msgs in %.2f s (%.0f msg/s)%n",
                    what, received.get(), seconds, received.get() / seconds);
        }
        for (MqttAsyncClient client : clients) {
            client.disconnect().waitForCompletion(10_000);
            client.close();
        }
    }

    /** The same drain through the collector's own connection (one connection). */
    static void own(String url, String clientId, String topic, long n, boolean registerOnly) throws Exception {
        AtomicLong received = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        MqttConnection[] connection = new MqttConnection[1];
        long start = System.nanoTime();
        MqttConnection c = MqttConnection.open(new MqttConnection.Options(url, clientId, "", new byte[0], 30, 3600L, 2000,
                Duration.ofSeconds(10), null), new MqttConnection.Listener() {
                    @Override
                    public void message(String t, byte[] payload, int qos, int packetId) {
                        if (qos > 0) {
                            connection[0].ack(packetId);
                            connection[0].sendAcks();
                        }
                        if (received.incrementAndGet() >= n) {
                            done.countDown();
                        }
                    }

                    @Override
                    public void lost(String cause) {
                        System.out.println("own connection lost: " + cause);
                    }
                }, "bench-own-reader");
        connection[0] = c;
        c.start();
        c.subscribe(List.of(topic), Duration.ofSeconds(10));
        if (!registerOnly) {
            if (!done.await(10, TimeUnit.MINUTES)) {
                System.out.println("own drain: only " + received.get() + " of " + n);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("the collector's own MQTT connection, bare, acks at once, no work: %d msgs in %.2f s (%.0f msg/s)%n",
                    received.get(), seconds, received.get() / seconds);
        }
        c.disconnect();
    }

    /** Acknowledges each message at once and counts it. */
    record Callback(MqttAsyncClient client, AtomicLong received, long n, CountDownLatch done) implements MqttCallback {
        @Override
        public void messageArrived(String t, MqttMessage m) throws MqttException {
            client.messageArrivedComplete(m.getId(), m.getQos());
            if (received.incrementAndGet() >= n) {
                done.countDown();
            }
        }

        @Override
        public void disconnected(MqttDisconnectResponse r) {
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
        }

        @Override
        public void deliveryComplete(IMqttToken t) {
        }

        @Override
        public void connectComplete(boolean reconnect, String uri) {
        }

        @Override
        public void authPacketArrived(int reason, MqttProperties p) {
        }
    }

    /**
     * Plain TCP sockets whose input is read through a buffer. Paho reads every packet's header a
     * byte at a time straight from the socket and asks available() before each packet: four or
     * five system calls per message. The collector's intake used Paho through these sockets
     * before it had its own connection; kept here to show what they did for Paho.
     */
    static final class BufferedSocketFactory extends SocketFactory {
        private static final int BUFFER_BYTES = 64 * 1024;

        @Override
        public Socket createSocket() {
            return new BufferedSocket();
        }

        @Override
        public Socket createSocket(String host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port), null);
        }

        @Override
        public Socket createSocket(String host, int port, InetAddress localAddress, int localPort) throws IOException {
            return connected(new InetSocketAddress(host, port), new InetSocketAddress(localAddress, localPort));
        }

        @Override
        public Socket createSocket(InetAddress host, int port) throws IOException {
            return connected(new InetSocketAddress(host, port), null);
        }

        @Override
        public Socket createSocket(InetAddress host, int port, InetAddress localAddress, int localPort) throws IOException {
            return connected(new InetSocketAddress(host, port), new InetSocketAddress(localAddress, localPort));
        }

        private static Socket connected(InetSocketAddress remote, InetSocketAddress local) throws IOException {
            Socket socket = new BufferedSocket();
            try {
                if (local != null) {
                    socket.bind(local);
                }
                socket.connect(remote);
                return socket;
            } catch (IOException e) {
                socket.close();
                throw e;
            }
        }

        /** A socket that hands out one buffered input stream. */
        private static final class BufferedSocket extends Socket {
            private InputStream in;

            @Override
            public synchronized InputStream getInputStream() throws IOException {
                if (in == null) {
                    in = new SocketInput(super.getInputStream(), BUFFER_BYTES);
                }
                return in;
            }
        }
    }
}
