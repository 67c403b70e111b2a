import com.hivemq.client.mqtt.MqttGlobalPublishFilter;
import com.hivemq.client.mqtt.datatypes.MqttQos;
import com.hivemq.client.mqtt.mqtt5.Mqtt5AsyncClient;
import com.hivemq.client.mqtt.mqtt5.Mqtt5Client;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The same drain as PahoDrain with the HiveMQ MQTT client (Netty): persistent session, QoS 1,
 * manual acknowledgements, each message acknowledged at once and otherwise dropped.
 * Usage: java -cp CLASSPATH bench/HiveDrain.java HOST PORT CLIENT_ID TOPIC N register|drain RECEIVE_MAXIMUM
 */
public class HiveDrain {
    public static void main(String[] args) throws Exception {
        try {
            drain(args);
        } catch (Exception e) {
            System.out.println("HiveMQ MQTT client drain failed: " + e);
        } finally {
            System.exit(0); // the client's event loop thread would keep the JVM alive
        }
    }

    private static void drain(String[] args) throws Exception {
        String host = args[0];
        int port = Integer.parseInt(args[1]);
        String clientId = args[2];
        String topic = args[3];
        long n = Long.parseLong(args[4]);
        boolean registerOnly = args[5].equals("register");
        int receiveMaximum = Integer.parseInt(args[6]);
        AtomicLong received = new AtomicLong();
        AtomicReference<Throwable> lost = new AtomicReference<>();
        CountDownLatch done = new CountDownLatch(1);
        Mqtt5AsyncClient client = Mqtt5Client.builder().identifier(clientId).serverHost(host).serverPort(port)
                .addDisconnectedListener(c -> {
                    if (received.get() < n && !registerOnly) {
                        lost.set(c.getCause());
                        done.countDown();
                    }
                })
                .buildAsync();
        // registered before connecting: a resumed session's backlog flows before any SUBACK
        client.publishes(MqttGlobalPublishFilter.ALL, p -> {
            p.acknowledge();
            if (received.incrementAndGet() >= n) {
                done.countDown();
            }
        }, true);
        long start = System.nanoTime();
        client.connectWith().cleanStart(false).sessionExpiryInterval(3600)
                .restrictions().receiveMaximum(receiveMaximum).applyRestrictions()
                .send().get(10, TimeUnit.SECONDS);
        if (registerOnly) {
            client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send().get(10, TimeUnit.SECONDS);
        } else {
            // the session holds the subscription; its SUBACK would queue behind the backlog
            client.subscribeWith().topicFilter(topic).qos(MqttQos.AT_LEAST_ONCE).send();
            done.await(10, TimeUnit.MINUTES);
            double seconds = (System.nanoTime() - start) / 1e9;
            String what = "HiveMQ MQTT client drain (Receive Maximum " + receiveMaximum + "), manual acks, no work";
            if (lost.get() != null) {
                System.out.printf("%s: disconnected after %d of %d msgs: %s%n", what, received.get(), n, lost.get().getMessage());
                return;
            }
            System.out.printf("%s: %d msgs in %.2f s (%.0f msg/s)%n", what, received.get(), seconds, received.get() / seconds);
        }
        client.disconnect().get(10, TimeUnit.SECONDS);
    }
}
