package io.edgecollector.collector;

/** What a running collector can say about itself: for /health, /ready and the status line. */
public interface CollectorStatus {
    /** The pipeline's threads run (the process is worth keeping; false means restart it). */
    boolean isAlive();

    /** Connected to the broker and subscribed: messages are being taken. */
    boolean isSubscribed();

    /** PostgreSQL is prepared and the loader is loading. */
    boolean isDatabaseReady();

    /** Bytes of raw files not yet loaded into PostgreSQL. */
    long backlogBytes();

    /** Raw lines (messages) not yet loaded into PostgreSQL. */
    long backlogMessages();

    /** The outputs besides PostgreSQL that are on (Kafka), each with its own readiness and lag. */
    default java.util.List<OutputStatus> outputs() {
        return java.util.List.of();
    }
}
