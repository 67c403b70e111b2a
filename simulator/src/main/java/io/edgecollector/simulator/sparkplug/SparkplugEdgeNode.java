package io.edgecollector.simulator.sparkplug;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.tahu.message.SparkplugBPayloadDecoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.SparkplugBPayload;

/**
 * A Sparkplug B edge node with two devices ("Press" and "Oven"): NBIRTH and DBIRTHs naming
 * each metric with alias, datatype and engUnit, then DDATA by alias only, alternating devices.
 * Its NDEATH is its MQTT will, so killing the process takes it offline. It answers an NCMD
 * {@code Node Control/Rebirth} = true with new births, and skips a seq number every
 * {@code gapEvery} data messages when asked (to provoke a rebirth request).
 */
public final class SparkplugEdgeNode implements AutoCloseable {
    public static final List<String> DEVICES = List.of("Press", "Oven");
    private static final String[] NAMES = {"Pressure", "Strokes", "Offset", "Running", "Temperature", "Setpoint",
        "Counter", "Energy", "Flow", "Level"};
    private static final MetricDataType[] TYPES = {MetricDataType.Double, MetricDataType.UInt64, MetricDataType.Int32,
        MetricDataType.Boolean, MetricDataType.Float, MetricDataType.Int16, MetricDataType.UInt32, MetricDataType.Int64,
        MetricDataType.Double, MetricDataType.Float};
    private static final String[] UNITS = {"bar", null, "mm", null, "C", "C", null, "Wh", "l/min", "%"};

    private final String group;
    private final String node;
    private final List<SparkplugPayloads.Def> defs;
    private final MqttClient client;
    private final long bdSeq;
    private final Random random;
    private final AtomicLong seq = new AtomicLong();
    private final AtomicBoolean rebirthAsked = new AtomicBoolean();
    private final AtomicLong rebirths = new AtomicLong();
    private long lastTimestamp;

    /**
     * @param metrics metrics per device (names and types cycle through ten kinds)
     * @param bdSeq   the birth/death sequence of this session (its NDEATH will carries it)
     */
    public SparkplugEdgeNode(String brokerUrl, String group, String node, int metrics, long bdSeq, long seed)
            throws MqttException {
        this.group = group;
        this.node = node;
        this.bdSeq = bdSeq;
        this.random = new Random(seed);
        this.defs = defs(metrics);
        this.client = new MqttClient(brokerUrl, "spb-" + group + "-" + node, new MemoryPersistence());
    }

    /** Metric i of a device: name, alias (1-based), datatype, unit. */
    public static List<SparkplugPayloads.Def> defs(int metrics) {
        List<SparkplugPayloads.Def> out = new ArrayList<>();
        for (int i = 0; i < metrics; i++) {
            String name = i < NAMES.length ? NAMES[i] : "Metric" + i;
            out.add(new SparkplugPayloads.Def(name, i + 1, TYPES[i % TYPES.length], UNITS[i % UNITS.length]));
        }
        return out;
    }

    public String topic(String type, String device) {
        return "spBv1.0/" + group + "/" + type + "/" + node + (device == null ? "" : "/" + device);
    }

    /** Connects with the NDEATH as will, listens for rebirth commands and publishes the births. */
    public void connect(String username, String password) throws MqttException {
        MqttConnectionOptions o = new MqttConnectionOptions();
        o.setCleanStart(true);
        o.setKeepAliveInterval(5);
        if (username != null && !username.isEmpty()) {
            o.setUserName(username);
        }
        if (password != null && !password.isEmpty()) {
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        o.setWill(topic("NDEATH", null), new MqttMessage(SparkplugPayloads.nodeDeath(System.currentTimeMillis(), bdSeq), 1, false, null));
        client.setCallback(new RebirthListener(rebirthAsked));
        client.connect(o);
        client.subscribe(topic("NCMD", null), 1);
        births();
    }

    /** NBIRTH (seq 0) then each device's DBIRTH with every metric's current value. */
    public synchronized void births() throws MqttException {
        long now = timestamp();
        seq.set(0);
        publish(topic("NBIRTH", null), SparkplugPayloads.birth(now, 0, bdSeq, List.of(), List.of()));
        for (String device : DEVICES) {
            publish(topic("DBIRTH", device), SparkplugPayloads.birth(now, nextSeq(), null, defs, values()));
        }
    }

    /**
     * Publishes count DDATA messages (alternating devices) at rate per second (0: as fast as
     * the broker takes them), answering rebirth requests between them; every gapEvery-th
     * message (0: never) skips a seq number.
     * @return messages published
     */
    public long run(long count, double rate, int gapEvery, Duration limit, BooleanSupplier stop) throws MqttException {
        long started = System.nanoTime();
        long sent = 0;
        while ((count <= 0 || sent < count) && !stop.getAsBoolean()
                && (limit == null || System.nanoTime() - started < limit.toNanos())) {
            if (rebirthAsked.getAndSet(false)) {
                rebirths.incrementAndGet();
                births();
            }
            if (gapEvery > 0 && sent > 0 && sent % gapEvery == 0) {
                nextSeq();
            }
            data(DEVICES.get((int) (sent % DEVICES.size())));
            sent++;
            if (rate > 0) {
                long due = started + (long) (sent * 1e9 / rate);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        }
        return sent;
    }

    /** One DDATA of the device with every metric, by alias. */
    public synchronized void data(String device) throws MqttException {
        publish(topic("DDATA", device), SparkplugPayloads.data(timestamp(), nextSeq(), defs, values()));
    }

    /** How many rebirth requests were answered. */
    public long rebirths() {
        return rebirths.get();
    }

    /** Milliseconds that never repeat, so each reading's key (sensor, metric, ts) is its own. */
    private long timestamp() {
        lastTimestamp = Math.max(System.currentTimeMillis(), lastTimestamp + 1);
        return lastTimestamp;
    }

    private long nextSeq() {
        return seq.getAndUpdate(s -> (s + 1) % 256);
    }

    /** Fresh values by datatype: signed types go negative, UInt64 sometimes above 2^63. */
    private List<Object> values() {
        List<Object> out = new ArrayList<>(defs.size());
        for (SparkplugPayloads.Def d : defs) {
            out.add(switch (d.type()) {
                case Double -> Math.round(random.nextGaussian() * 1000) / 100.0;
                case Float -> (float) (Math.round(200 + random.nextGaussian() * 50) / 10.0);
                case Int16 -> (short) (random.nextInt(2000) - 1000);
                case Int32 -> random.nextInt(20_000) - 10_000;
                case Int64 -> random.nextLong() / 1_000_000;
                case UInt32 -> (long) random.nextInt(Integer.MAX_VALUE) * 2;
                case UInt64 -> BigInteger.ONE.shiftLeft(63).add(BigInteger.valueOf(random.nextInt(1_000_000)));
                case Boolean -> random.nextBoolean();
                default -> throw new IllegalStateException("no value for " + d.type());
            });
        }
        return out;
    }

    private void publish(String topic, byte[] payload) throws MqttException {
        client.publish(topic, payload, 1, false);
    }

    /** Disconnects cleanly, sending the NDEATH first (a clean disconnect discards the will). */
    @Override
    public void close() throws MqttException {
        if (client.isConnected()) {
            publish(topic("NDEATH", null), SparkplugPayloads.nodeDeath(System.currentTimeMillis(), bdSeq));
            client.disconnect(5000);
        }
        client.close(true);
    }

    /** Notes an NCMD with Node Control/Rebirth = true; the publishing loop answers it. */
    private record RebirthListener(AtomicBoolean asked) implements org.eclipse.paho.mqttv5.client.MqttCallback {
        @Override
        public void messageArrived(String topic, MqttMessage message) throws Exception {
            SparkplugBPayload p = new SparkplugBPayloadDecoder().buildFromByteArray(message.getPayload());
            for (Metric m : p.getMetrics()) {
                if ("Node Control/Rebirth".equals(m.getName()) && Boolean.TRUE.equals(m.getValue())) {
                    asked.set(true);
                }
            }
        }

        @Override
        public void disconnected(org.eclipse.paho.mqttv5.client.MqttDisconnectResponse r) {
        }

        @Override
        public void mqttErrorOccurred(MqttException e) {
        }

        @Override
        public void deliveryComplete(org.eclipse.paho.mqttv5.client.IMqttToken t) {
        }

        @Override
        public void connectComplete(boolean reconnect, String uri) {
        }

        @Override
        public void authPacketArrived(int code, org.eclipse.paho.mqttv5.common.packet.MqttProperties p) {
        }
    }
}
