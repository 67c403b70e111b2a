package io.edgecollector.collector.kafka;

import java.io.IOException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The two kinds of Kafka failure. Retriable: anything about reaching or waiting on the cluster
 * (a broker down, a timeout, a leader moving); the forwarder then starts over from its committed
 * checkpoint. Fatal: another process took over this transactional id (fenced: a second collector
 * with the same client and instance id; Kafka 4 says so with InvalidProducerEpochException, and
 * retrying would fence the other one in turn, back and forth; a transaction the coordinator
 * aborted on timeout cannot be ours, since no call of the forwarder blocks longer than
 * {@link KafkaClients#MAX_BLOCK_MS}, far below transaction.timeout.ms), a refused login or permission, a record the cluster
 * can never take, or a bug: retrying cannot help, so the daemon stops with one line.
 */
final class KafkaErrors {
    private KafkaErrors() {
    }

    static boolean isFatal(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ProducerFencedException || t instanceof InvalidProducerEpochException
                    || t instanceof FencedInstanceIdException
                    || t instanceof AuthorizationException || t instanceof TransactionalIdAuthorizationException
                    || t instanceof AuthenticationException || t instanceof UnsupportedVersionException
                    || t instanceof RecordTooLargeException || t instanceof InvalidTopicException
                    || t instanceof InvalidConfigurationException || t instanceof SerializationException
                    || t instanceof org.apache.kafka.common.config.ConfigException) {
                return true;
            }
        }
        return !(failure instanceof KafkaException || failure instanceof IOException);
    }

    /** The failure in one line: its innermost cause that says something. */
    static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root.getMessage();
        String outer = failure.getMessage();
        if (root == failure || m == null) {
            return failure.getClass().getSimpleName() + ": " + outer;
        }
        return failure.getClass().getSimpleName() + ": " + outer + " (" + root.getClass().getSimpleName() + ": " + m + ")";
    }
}
