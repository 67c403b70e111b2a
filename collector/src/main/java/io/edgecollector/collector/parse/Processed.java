package io.edgecollector.collector.parse;

import java.time.Instant;

/**
 * What intake made of a message, kept beside its raw line: exactly what reading the line back
 * and processing it again gives (HostileInputTest holds the two equal), so the loader can take
 * it instead of doing the work twice. {@code dup}: the line is marked redelivered.
 */
public record Processed(Instant receivedAt, String topic, boolean dup, MappedMessage result) {
}
