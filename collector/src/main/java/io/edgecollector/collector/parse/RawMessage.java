package io.edgecollector.collector.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;

/**
 * An MQTT message as received (live, or read back from a raw line). {@code payload} is the
 * decoded JSON, or null when the payload was not acceptable JSON; then {@code error} says why.
 * {@code dup} is MQTT's DUP flag: the broker is delivering again a message it may have
 * delivered before (after a reconnect). {@code binary}: the payload's bytes when it is not JSON
 * (payload_b64 or payload_text in the raw line), for decoders of binary payloads such as
 * Sparkplug B; null otherwise.
 */
public record RawMessage(Instant receivedAt, String topic, int qos, boolean dup, JsonNode payload, String error,
                         byte[] binary) {
    /** A message whose payload needs no bytes beyond its JSON (binary is null). */
    public RawMessage(Instant receivedAt, String topic, int qos, boolean dup, JsonNode payload, String error) {
        this(receivedAt, topic, qos, dup, payload, error, null);
    }
}
