package io.edgecollector.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Makes sensor messages (the single-reading shape) with a fixed random seed, and injects faults
 * by rate. Timestamps never repeat for a sensor, so every healthy message is a distinct reading.
 */
public final class ReadingGenerator {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long LATE_BY_MS = 2 * 3600_000L;

    private final List<SensorProfile> sensors;
    private final Faults faults;
    private final Random random;
    private final boolean millis;
    private final String topicPrefix;
    private final Map<String, Long> lastTs = new HashMap<>();
    private final Map<String, Message> lastMessage = new HashMap<>();
    private final double[] level;
    private long sequence;
    private long malformedCount;
    private Episodes episodes = Episodes.NONE;
    private long startMillis = Long.MIN_VALUE;

    /**
     * @param millis whether timestamps are epoch milliseconds (for rates above one reading per
     *               second per sensor) rather than epoch seconds
     */
    public ReadingGenerator(List<SensorProfile> sensors, Faults faults, long seed, boolean millis) {
        this(sensors, faults, seed, millis, "sensors");
    }

    /** As above, publishing under topicPrefix/&lt;sensor id&gt;/&lt;type&gt;. */
    public ReadingGenerator(List<SensorProfile> sensors, Faults faults, long seed, boolean millis, String topicPrefix) {
        this.topicPrefix = topicPrefix;
        this.sensors = List.copyOf(sensors);
        this.faults = faults;
        this.random = new Random(seed);
        this.millis = millis;
        this.level = new double[sensors.size()];
        for (int i = 0; i < level.length; i++) {
            level[i] = sensors.get(i).typical();
        }
    }

    /** Plays the episodes (a sensor over its limit, another silent) from the first reading on. */
    public ReadingGenerator withEpisodes(Episodes e) {
        this.episodes = e;
        return this;
    }

    /** The next message, for the sensor whose turn it is, stamped at nowMillis. */
    public Message next(long nowMillis) {
        if (startMillis == Long.MIN_VALUE) {
            startMillis = nowMillis;
        }
        if (episodes.silent(nowMillis - startMillis) && sensors.size() > 1 && sequence % sensors.size() == 1) {
            sequence++;
        }
        int index = (int) (sequence % sensors.size());
        SensorProfile sensor = sensors.get(index);
        long seq = sequence++;
        double dice = random.nextDouble();
        double edge = faults.malformed();
        if (dice < edge) {
            return malformed(sensor, seq);
        }
        if (dice < (edge += faults.duplicate()) && lastMessage.containsKey(sensor.id())) {
            Message previous = lastMessage.get(sensor.id());
            return new Message(previous.topic(), previous.payload(), Kind.DUPLICATE);
        }
        if (dice < (edge += faults.unknownSensor())) {
            SensorProfile ghost = new SensorProfile("Unregistered " + seq, sensor.type(), sensor.unit(),
                    sensor.min(), sensor.max(), sensor.lat(), sensor.lng(), "");
            return reading(ghost, -1, nextTs(ghost.id(), nowMillis), sensor.typical(), Kind.UNKNOWN_SENSOR);
        }
        long ts = nextTs(sensor.id(), nowMillis);
        double value = wander(index, sensor);
        if (index == 0 && episodes.crossing(nowMillis - startMillis)) {
            return remember(reading(sensor, index, ts, sensor.max() + (sensor.max() - sensor.min()) / 10, Kind.OUT_OF_RANGE));
        }
        if (dice < (edge += faults.outOfRange())) {
            return remember(reading(sensor, index, ts, sensor.max() + (sensor.max() - sensor.min()) * (0.1 + random.nextDouble()),
                    Kind.OUT_OF_RANGE));
        }
        if (dice < edge + faults.late()) {
            return remember(reading(sensor, index, ts - LATE_BY_MS, value, Kind.LATE));
        }
        return remember(reading(sensor, index, ts, value, Kind.VALID));
    }

    private long nextTs(String sensorId, long nowMillis) {
        long step = millis ? 1 : 1000;
        long candidate = millis ? nowMillis : nowMillis - Math.floorMod(nowMillis, 1000L);
        long ts = Math.max(candidate, lastTs.getOrDefault(sensorId, Long.MIN_VALUE / 2) + step);
        lastTs.put(sensorId, ts);
        return ts;
    }

    private double wander(int index, SensorProfile s) {
        double span = s.max() - s.min();
        level[index] += (random.nextGaussian() * 0.01 - (level[index] - s.typical()) * 0.01) * span;
        level[index] = Math.max(s.min(), Math.min(s.max(), level[index]));
        return Math.round(level[index] * 100) / 100.0;
    }

    private Message reading(SensorProfile s, int index, long tsMillis, double value, Kind kind) {
        ObjectNode o = JSON.createObjectNode();
        o.put("sensor_id", s.id());
        o.put("type", s.type());
        o.put("value", value);
        o.put("unit", s.unit());
        o.putObject("location").put("lat", s.lat()).put("lng", s.lng());
        if (millis) {
            o.put("timestamp", tsMillis);
        } else {
            o.put("timestamp", tsMillis / 1000);
        }
        return new Message(topic(s), o.toString().getBytes(StandardCharsets.UTF_8), kind);
    }

    private Message remember(Message m) {
        lastMessage.put(sensorIdOf(m), m);
        return m;
    }

    private String sensorIdOf(Message m) {
        String topic = m.topic();
        return topic.substring(topicPrefix.length() + 1, topic.lastIndexOf('/'));
    }

    private Message malformed(SensorProfile s, long seq) {
        String payload = switch ((int) (malformedCount++ % 5)) {
            case 0 -> "{\"seq\":" + seq + ",\"sensor_id\":\"" + s.id() + "\",\"type\":\"" + s.type() + "\",\"value\":";
            case 1 -> "{\"sensor_id\":\"" + s.id() + "\",\"type\":\"" + s.type() + "\",\"value\":\"n/a-" + seq
                    + "\",\"timestamp\":" + seq + "}";
            case 2 -> "{\"type\":\"" + s.type() + "\",\"value\":1.0,\"seq\":" + seq + "}";
            case 3 -> "reboot " + seq + ": sensor firmware 1.2.3";
            default -> "{\"sensor_id\":\"" + s.id() + "\",\"type\":\"" + s.type() + "\",\"value\":1.5,\"seq\":" + seq + "}";
        };
        return new Message(topicPrefix + "/" + s.id() + "/" + s.type() + "/diagnostic",
                payload.getBytes(StandardCharsets.UTF_8), Kind.MALFORMED);
    }

    private String topic(SensorProfile s) {
        return topicPrefix + "/" + s.id() + "/" + s.type();
    }

    /** The registry file that matches these sensors, in the collector's format. */
    public static String registryJson(List<SensorProfile> sensors) {
        ObjectNode root = JSON.createObjectNode();
        var list = root.putArray("sensors");
        for (SensorProfile s : sensors) {
            ObjectNode o = list.addObject();
            o.put("id", s.id());
            o.putObject("location").put("lat", s.lat()).put("lng", s.lng());
            o.put("type", s.type());
            o.put("unit", s.unit());
            o.putObject("range").put("min", s.min()).put("max", s.max());
            o.put("description", s.description());
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
