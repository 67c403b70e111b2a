package io.edgecollector.collector.sparkplug;

import java.util.List;

/**
 * The kinds of Sparkplug rejection, as the label of the rejection counter: each rejection text
 * the mapper gives falls under one (the text itself names the metric, node or alias).
 */
public final class SparkplugRejections {
    static final String BAD_TOPIC = "bad_topic";
    static final String BAD_TOPIC_TEXT = "sparkplug: topic is not spBv1.0/<group>/<type>/<edge_node>[/<device>]";

    /** Every label, for the counter's zero values. */
    public static final List<String> LABELS = List.of("data_before_birth", "birth_order", "unknown_alias", "not_numeric",
            "type_mismatch", "no_timestamp", "not_sparkplug_payload", BAD_TOPIC, "unknown_message_type", "invalid_reading");

    private SparkplugRejections() {
    }

    /** The kind of one rejection text. */
    static String label(String rejection) {
        if (rejection.contains("data before birth")) {
            return "data_before_birth";
        }
        if (rejection.contains(" before the NBIRTH of ")) {
            return "birth_order";
        }
        if (rejection.contains("unknown alias")) {
            return "unknown_alias";
        }
        if (rejection.contains(" is not numeric")) {
            return "not_numeric";
        }
        if (rejection.contains(": declared ") && rejection.contains(" but carries ")) {
            return "type_mismatch";
        }
        if (rejection.contains("no timestamp")) {
            return "no_timestamp";
        }
        if (rejection.contains("not a Sparkplug B payload") || rejection.contains("payload is JSON")) {
            return "not_sparkplug_payload";
        }
        if (rejection.equals(BAD_TOPIC_TEXT)) {
            return BAD_TOPIC;
        }
        if (rejection.contains("unknown message type")) {
            return "unknown_message_type";
        }
        return "invalid_reading";
    }
}
