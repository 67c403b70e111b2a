package io.edgecollector.collector.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An MQTT message as received (live, or read back from a raw line). {@code payload} is the
 * decoded JSON, or null when the payload was not acceptable JSON; then {@code error} says why.
 * {@code dup} is MQTT's DUP flag: the broker is delivering again a message it may have
 * delivered before (after a reconnect).
 */
public record RawMessage(Instant receivedAt, String topic, int qos, boolean dup, JsonNode payload, String error) {
}
