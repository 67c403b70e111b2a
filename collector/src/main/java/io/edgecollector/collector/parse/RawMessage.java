package io.edgecollector.collector.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An MQTT message as received (live, or read back from a raw line). {@code payload} is the
 * decoded JSON, or null when the payload was not acceptable JSON; then {@code error} says why.
 */
public record RawMessage(Instant receivedAt, String topic, int qos, JsonNode payload, String error) {
}
