package io.edgecollector.collector.alert;

import java.util.List;

/**
 * An output of alert events, fed by an {@link AlertFollower} from the alert log. Delivery is
 * at least once: the checkpoint advances only after deliver returned; a failure is retried.
 */
public interface AlertSink extends AutoCloseable {
    /** Short name for logs and metrics: mqtt, webhook, postgres. */
    String name();

    /** How far the alert file has been delivered (a byte offset, 0 if never). */
    long checkpoint(String alertFile) throws Exception;

    /** Delivers the events (lines of alertFile up to endOffset) and records endOffset as its checkpoint. */
    void deliver(String alertFile, List<AlertEvent> events, long endOffset) throws Exception;

    @Override
    default void close() {
    }
}
