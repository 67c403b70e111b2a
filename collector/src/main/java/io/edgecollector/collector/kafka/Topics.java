package io.edgecollector.collector.kafka;

import io.edgecollector.collector.config.KafkaConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the output's topics when they are missing: readings and dead letters with the
 * cluster's defaults, the checkpoints compacted, one partition (one ordered log to read back),
 * replicated like the cluster's transaction log would be (up to 3). Where the collector may not
 * create topics, an operator creates them (docs/kafka.md) and this says so once.
 */
final class Topics {
    private static final Logger LOG = LoggerFactory.getLogger(Topics.class);

    private Topics() {
    }

    static void ensure(Admin admin, KafkaConfig k, Duration timeout) {
        try {
            Set<String> existing = admin.listTopics().names().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            int brokers = admin.describeCluster().nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
            List<NewTopic> missing = new ArrayList<>();
            for (String t : List.of(k.readingsTopic(), k.rejectionsTopic(), k.alertsTopic())) {
                if (!t.isEmpty() && !existing.contains(t)) {
                    missing.add(new NewTopic(t, Optional.empty(), Optional.empty()));
                }
            }
            if (!existing.contains(k.offsetsTopic())) {
                missing.add(new NewTopic(k.offsetsTopic(), 1, (short) Math.min(3, Math.max(1, brokers)))
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
            if (missing.isEmpty()) {
                return;
            }
            for (var e : admin.createTopics(missing).values().entrySet()) {
                try {
                    e.getValue().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
                    LOG.info("event=kafka_topic_created topic={}", e.getKey());
                } catch (ExecutionException ex) {
                    if (!(ex.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw ex;
                    }
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AuthorizationException) {
                LOG.warn("event=kafka_topics_not_created cause=\"{}\"; create {}, {}, {} and {} (compacted) yourself",
                        e.getCause().getMessage(), k.readingsTopic(), k.rejectionsTopic(), k.alertsTopic(), k.offsetsTopic());
                return;
            }
            throw e.getCause() instanceof RuntimeException r ? r : new org.apache.kafka.common.KafkaException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("Kafka at " + k.bootstrapServers() + " did not answer within " + timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new org.apache.kafka.common.errors.InterruptException(e);
        }
    }
}
