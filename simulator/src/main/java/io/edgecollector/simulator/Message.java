package io.edgecollector.simulator;

/** One message to publish. */
public record Message(String topic, byte[] payload, Kind kind) {
}
