package io.edgecollector.collector.postgres;

import io.edgecollector.collector.parse.Reading;
import java.time.Instant;
import java.util.List;

/** What one transaction loads: readings, rejections, and the raw file position they reach. */
public record LoadBatch(String rawFile, long fromOffset, long toOffset, int lines,
                        List<Reading> readings, List<Rejection> rejections) {
    /**
     * A message, or part of one, that could not become a reading. {@code redelivered}: the
     * broker sent it again after a reconnect (MQTT DUP), so it may be on record already.
     */
    public record Rejection(Instant receivedAt, String topic, String payload, String reason, long rawOffset,
                            boolean redelivered) {
    }
}
