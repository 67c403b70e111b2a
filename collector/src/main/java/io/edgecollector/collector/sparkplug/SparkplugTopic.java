package io.edgecollector.collector.sparkplug;

/**
 * A Sparkplug B topic, {@code spBv1.0/<group>/<type>/<edge_node>[/<device>]}, or the host's
 * {@code spBv1.0/STATE/<host_id>} (type STATE, no node).
 */
public record SparkplugTopic(String group, String type, String node, String device) {
    public static final String NAMESPACE = "spBv1.0/";

    /** Whether the topic lies in the Sparkplug B namespace. */
    public static boolean matches(String topic) {
        return topic.startsWith(NAMESPACE);
    }

    /** The topic's parts, or null when it is not a Sparkplug B topic of a known shape. */
    public static SparkplugTopic parse(String topic) {
        if (!matches(topic)) {
            return null;
        }
        String[] p = topic.substring(NAMESPACE.length()).split("/", -1);
        if (p.length == 2 && p[0].equals("STATE")) {
            return new SparkplugTopic(null, "STATE", p[1], null);
        }
        if (p.length < 3 || p.length > 4 || p[0].isEmpty() || p[2].isEmpty() || (p.length == 4 && p[3].isEmpty())) {
            return null;
        }
        return new SparkplugTopic(p[0], p[1], p[2], p.length == 4 ? p[3] : null);
    }

    /** The edge node's key and sensor_id: {@code <group>/<edge_node>}. */
    public String nodeKey() {
        return group + "/" + node;
    }

    /** The sensor_id of the node or device the message is about. */
    public String sensorId() {
        return device == null ? nodeKey() : nodeKey() + "/" + device;
    }

    /** The topic a command to this message's edge node goes to. */
    public String nodeCommandTopic() {
        return NAMESPACE + group + "/NCMD/" + node;
    }
}
