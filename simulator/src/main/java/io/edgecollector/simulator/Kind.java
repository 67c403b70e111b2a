package io.edgecollector.simulator;

/** What a published message is, so a run can say what the collector should make of it. */
public enum Kind {
    VALID, OUT_OF_RANGE, MALFORMED, DUPLICATE, LATE, UNKNOWN_SENSOR
}
