package io.edgecollector.collector.parse;

/** The quality flag stored with every reading. */
public enum Quality {
    VALID("valid"),
    OUT_OF_RANGE("out_of_range"),
    UNKNOWN_SENSOR("unknown_sensor"),
    MISSING_VALUE("missing_value"),
    FUTURE_TIMESTAMP("future_timestamp"),
    STALE("stale");

    private final String label;

    Quality(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    @Override
    public String toString() {
        return label;
    }
}
