package io.edgecollector.collector.kafka;

import io.edgecollector.collector.config.KafkaConfig;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.config.SslConfigs;

/**
 * The Kafka client settings of the output: connection and security passed through from
 * kafka.*, the transactional producer, and the read_committed consumer of the checkpoints.
 */
public final class KafkaClients {
    /**
     * Blocking producer calls (metadata, initTransactions, commit) give up after this and the
     * forwarder retries with backoff: short enough that a stop is never held long.
     */
    static final int MAX_BLOCK_MS = 10_000;

    private KafkaClients() {
    }

    /**
     * The transactional id of a collector: its MQTT client id (unique per broker already), with
     * the instance id when set. Distinct instances get distinct ids; a restarted instance gets
     * the same one, so its initTransactions fences the process it replaces.
     */
    public static String transactionalId(String clientId, String instanceId) {
        return instanceId == null || instanceId.isEmpty() ? clientId : clientId + "-" + instanceId;
    }

    /** Bootstrap servers and security: what every client of the output shares. */
    static Properties common(KafkaConfig k, String clientId) {
        Properties p = new Properties();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, k.bootstrapServers());
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientId);
        p.put(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, k.securityProtocol());
        if (k.sasl()) {
            p.put(SaslConfigs.SASL_MECHANISM, k.saslMechanism());
            String module = k.saslMechanism().equals("PLAIN")
                    ? "org.apache.kafka.common.security.plain.PlainLoginModule"
                    : "org.apache.kafka.common.security.scram.ScramLoginModule";
            p.put(SaslConfigs.SASL_JAAS_CONFIG, module + " required username=\"" + jaasQuoted(k.saslUsername())
                    + "\" password=\"" + jaasQuoted(k.saslPassword().value()) + "\";");
        }
        if (k.truststoreFile() != null) {
            p.put(SslConfigs.SSL_TRUSTSTORE_LOCATION_CONFIG, k.truststoreFile().toString());
            p.put(SslConfigs.SSL_TRUSTSTORE_TYPE_CONFIG, truststoreType(k.truststoreFile().getFileName().toString()));
            if (!k.truststorePassword().isEmpty()) {
                p.put(SslConfigs.SSL_TRUSTSTORE_PASSWORD_CONFIG, k.truststorePassword().value());
            }
        }
        return p;
    }

    /** Idempotent, transactional, ordered per partition; batches of up to 256 KB compressed as configured. */
    static Properties producer(KafkaConfig k, String transactionalId) {
        Properties p = common(k, transactionalId + "-producer");
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, k.compression());
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(256 * 1024));
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Integer.toString(MAX_BLOCK_MS));
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "60000");
        // the collector runs in 128 MB: a 10,000-line transaction takes 2-5 MB before compression
        p.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Integer.toString(16 * 1024 * 1024));
        return p;
    }

    /** Reads committed records only, assigned by hand (no group, nothing committed). */
    static Properties checkpointConsumer(KafkaConfig k, String transactionalId) {
        Properties p = common(k, transactionalId + "-checkpoints");
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        return p;
    }

    static String truststoreType(String fileName) {
        String n = fileName.toLowerCase(Locale.ROOT);
        if (n.endsWith(".pem") || n.endsWith(".crt")) {
            return "PEM";
        }
        return n.endsWith(".p12") || n.endsWith(".pfx") ? "PKCS12" : "JKS";
    }

    private static String jaasQuoted(String s) {
        return s == null ? "" : s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    /** Closes a producer and an admin client at once, either may be null; a failing close is only logged. */
    static void closeNow(Producer<?, ?> producer, Admin admin) {
        if (producer != null) {
            try {
                producer.close(Duration.ZERO);
            } catch (RuntimeException e) {
                org.slf4j.LoggerFactory.getLogger(KafkaClients.class)
                        .debug("event=kafka_close_failed cause=\"{}\"", e.toString());
            }
        }
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }
}
