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
 * The ceiling of one Paho MQTT 5 connection in this JVM: the collector's client settings
 * (persistent session, QoS 1, manual acknowledgements, the same Receive Maximum), every message
 * acknowledged at once on the callback thread and otherwise dropped.
 * Usage: java -cp collector/target/collector.jar bench/PahoDrain.java BROKER_URL CLIENT_ID TOPIC N register|drain
 */
public class PahoDrain {
    public static void main(String[] args) throws Exception {
        String url = args[0];
        String clientId = args[1];
        String topic = args[2];
        long n = Long.parseLong(args[3]);
        boolean registerOnly = args[4].equals("register");
        AtomicLong received = new AtomicLong();
        CountDownLatch done = new CountDownLatch(1);
        long[] firstAt = {0};
        MqttAsyncClient client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
        client.setManualAcks(true);
        client.setCallback(new MqttCallback() {
            @Override
            public void messageArrived(String t, MqttMessage m) throws MqttException {
                if (received.get() == 0) {
                    firstAt[0] = System.nanoTime();
                }
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
        });
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(false);
        o.setSessionExpiryInterval(3600L);
        o.setReceiveMaximum(2000);
        long start = System.nanoTime();
        client.connect(o).waitForCompletion(10_000);
        client.subscribe(topic, 1).waitForCompletion(10_000);
        if (!registerOnly) {
            if (!done.await(10, TimeUnit.MINUTES)) {
                System.out.println("paho drain: only " + received.get() + " of " + n);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("bare Paho MQTT 5 drain (manual acks, no work): %d msgs in %.2f s (%.0f msg/s)%n",
                    received.get(), seconds, received.get() / seconds);
        }
        client.disconnect().waitForCompletion(10_000);
        client.close();
    }
}
