package io.edgecollector.collector;

/** An output that follows the raw log besides PostgreSQL (Kafka): for /ready and /metrics. */
public interface OutputStatus {
    /** A short name ("kafka"). */
    String name();

    /** Connected and forwarding (false while the output is away: the raw files keep everything). */
    boolean isReady();

    /** Bytes of raw files not yet forwarded. */
    long lagBytes();

    /** Raw lines (messages) not yet forwarded. */
    long lagMessages();
}
