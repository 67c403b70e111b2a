package io.edgecollector.collector.config;

/**
 * The Sparkplug B host settings: whether to subscribe to Sparkplug topics and act as a host
 * application, the host id (its {@code spBv1.0/STATE/<host_id>} topic), and the group to
 * follow (empty: every group).
 */
public record SparkplugConfig(boolean enabled, String hostId, String group) {
    /** The topic filter that takes every Sparkplug message of the group (or of every group). */
    public String topicFilter() {
        return "spBv1.0/" + (group.isEmpty() ? "#" : group + "/#");
    }

    /** The retained topic of the host's online/offline state. */
    public String stateTopic() {
        return "spBv1.0/STATE/" + hostId;
    }
}
