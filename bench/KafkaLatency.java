import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Publish-to-Kafka latency: a read_committed consumer of the readings topic from its present end,
 * for SECONDS; a record's latency is when the consumer got it minus its ts (the simulator stamps
 * the publish time, in milliseconds). Run it beside bench/Latency.java with the Kafka output on.
 * Usage: java -cp collector/target/collector.jar bench/KafkaLatency.java BOOTSTRAP TOPIC SECONDS
 */
public class KafkaLatency {
    private static final Pattern TS = Pattern.compile("\"ts\":\"([^\"]+)\"");

    public static void main(String[] args) throws Exception {
        Properties p = new Properties();
        p.put("bootstrap.servers", args[0]);
        p.put("isolation.level", "read_committed");
        p.put("enable.auto.commit", "false");
        p.put("fetch.max.wait.ms", "10");
        String topic = args[1];
        int seconds = Integer.parseInt(args[2]);
        List<Long> latencies = new ArrayList<>();
        long start = System.currentTimeMillis();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(topic, Duration.ofSeconds(30)).forEach(i -> parts.add(new TopicPartition(topic, i.partition())));
            c.assign(parts);
            c.seekToEnd(parts);
            parts.forEach(c::position);
            while (System.currentTimeMillis() - start < seconds * 1000L) {
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(50))) {
                    long now = System.currentTimeMillis();
                    Matcher m = TS.matcher(new String(r.value(), StandardCharsets.UTF_8));
                    if (m.find()) {
                        long ts = Instant.parse(m.group(1)).toEpochMilli();
                        if (ts >= start) {
                            latencies.add(now - ts);
                        }
                    }
                }
            }
        }
        Collections.sort(latencies);
        if (latencies.isEmpty()) {
            System.out.println("publish-to-Kafka latency: no records");
            return;
        }
        System.out.printf("publish-to-Kafka (read_committed) latency: %d records, p50 %d ms, p99 %d ms, max %d ms%n",
                latencies.size(), pct(latencies, 0.50), pct(latencies, 0.99), latencies.get(latencies.size() - 1));
    }

    static long pct(List<Long> sorted, double q) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.floor(q * sorted.size())));
    }
}
