import io.edgecollector.collector.ingest.BufferedSocketFactory;
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
 *   SOCKET plain: Paho's own socket; buffered: the collector's BufferedSocketFactory.
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
                    : "bare Paho MQTT 5 drain (" + (buffered ? "buffered socket, as the collector" : "Paho's own socket") + ")";
            System.out.printf("%s, manual acks, no work: %d msgs in %.2f s (%.0f msg/s)%n",
                    what, received.get(), seconds, received.get() / seconds);
        }
        for (MqttAsyncClient client : clients) {
            client.disconnect().waitForCompletion(10_000);
            client.close();
        }
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
}
