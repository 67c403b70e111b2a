package io.edgecollector.collector.parse;

/**
 * The kind of a rejection, a small fixed set for counting (the full reason, naming the field,
 * stays in the raw line and in rejected_messages).
 */
public enum RejectReason {
    TOO_LARGE("too_large"),
    EMPTY("empty"),
    NOT_UTF8("not_utf8"),
    NOT_JSON("not_json"),
    /** Decoded JSON that is not one of the message shapes (no id, no timestamp, wrong types...). */
    SHAPE("shape"),
    /** A reading that Bean Validation refused (a field out of its bounds). */
    INVALID_FIELD("invalid_field"),
    /** A Sparkplug B message that cannot become readings (data before birth, unknown alias, not numeric...). */
    SPARKPLUG("sparkplug"),
    INTERNAL("internal");

    private final String label;

    RejectReason(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
