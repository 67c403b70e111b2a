package io.edgecollector.collector.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The forwarder's checkpoints in Kafka, the way Kafka Connect's exactly-once source tasks keep
 * their offsets: a compacted topic whose record key is {@code <transactional id>/<raw file>} and
 * whose value is {@code {"offset":N}}, the byte offset in the raw file up to which every line is
 * forwarded. Each checkpoint record is written in the same transaction as the records of the
 * lines it covers, so a read_committed reader sees both or neither; the newest committed value
 * per key is the checkpoint.
 */
final class Checkpoints {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoints() {
    }

    static String key(String transactionalId, String rawFile) {
        return transactionalId + "/" + rawFile;
    }

    static ProducerRecord<byte[], byte[]> record(String topic, String transactionalId, String rawFile, long offset) {
        return new ProducerRecord<>(topic, key(transactionalId, rawFile).getBytes(StandardCharsets.UTF_8),
                ("{\"offset\":" + offset + "}").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The committed checkpoints of one transactional id: raw file name to offset (of every
     * transactional id, by whole key, when it is empty). Reads the topic
     * from its start up to the end it had when called, counting only committed records; waits
     * (at most the timeout) for transactions that were open then to end, so a checkpoint
     * committed just after one of them is not missed.
     * @throws TimeoutException when the cluster does not answer in time (retriable)
     */
    static Map<String, Long> read(Properties consumer, Supplier<Admin> admin, String topic, String transactionalId,
                                  Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String prefix = transactionalId.isEmpty() ? "" : transactionalId + "/";
        Map<String, Long> offsets = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumer, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = c.partitionsFor(topic, timeout);
            if (infos == null || infos.isEmpty()) {
                return offsets;
            }
            List<TopicPartition> parts = infos.stream().map(i -> new TopicPartition(i.topic(), i.partition())).toList();
            Map<TopicPartition, Long> ends = highWatermarks(admin, parts, timeout);
            c.assign(parts);
            c.seekToBeginning(parts);
            while (!reached(c, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new TimeoutException("reading checkpoints from " + topic + " took longer than " + timeout);
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    String key = r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8);
                    if (key.startsWith(prefix) && r.value() != null) {
                        offsets.put(key.substring(prefix.length()), offsetOf(r.value(), key));
                    }
                }
            }
        }
        return offsets;
    }

    /** The end of each partition including records of open transactions (read_uncommitted). */
    private static Map<TopicPartition, Long> highWatermarks(Supplier<Admin> admin, List<TopicPartition> parts,
                                                            Duration timeout) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        parts.forEach(p -> latest.put(p, OffsetSpec.latest()));
        Map<TopicPartition, Long> ends = new HashMap<>();
        try {
            admin.get().listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_UNCOMMITTED)).all()
                    .get(timeout.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
                    .forEach((p, info) -> ends.put(p, info.offset()));
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("listing the end of the checkpoint topic took longer than " + timeout);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new org.apache.kafka.common.KafkaException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
        return ends;
    }

    private static boolean reached(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> e : ends.entrySet()) {
            if (c.position(e.getKey()) < e.getValue()) {
                return false;
            }
        }
        return true;
    }

    private static long offsetOf(byte[] value, String key) {
        try {
            JsonNode n = JSON.readTree(value);
            if (n == null || !n.path("offset").canConvertToLong()) {
                throw new IllegalStateException("checkpoint " + key + " has no offset: " + new String(value, StandardCharsets.UTF_8));
            }
            return n.get("offset").asLong();
        } catch (IOException e) {
            throw new IllegalStateException("checkpoint " + key + " is not JSON: " + e.getMessage(), e);
        }
    }
}
