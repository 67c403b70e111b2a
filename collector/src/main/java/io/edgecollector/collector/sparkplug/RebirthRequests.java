package io.edgecollector.collector.sparkplug;

/** Asks an edge node to publish its births again (an NCMD with Node Control/Rebirth = true). */
@FunctionalInterface
public interface RebirthRequests {
    RebirthRequests NONE = topic -> { };

    /** Asks the node of the message on this topic; may be called often, sends at most one per node per interval. */
    void request(SparkplugTopic topic);
}
