package io.edgecollector.simulator;

import java.util.Map;

/** What a simulator run published, by kind, as confirmed by the broker. */
public record RunResult(Map<Kind, Long> published, long failed, double seconds) {
    public RunResult {
        published = Map.copyOf(published);
    }

    public long total() {
        return published.values().stream().mapToLong(Long::longValue).sum();
    }

    public long count(Kind kind) {
        return published.getOrDefault(kind, 0L);
    }

    public double rate() {
        return seconds > 0 ? total() / seconds : 0;
    }

    /** Readings the collector should store: everything but malformed messages and duplicates. */
    public long expectedRows() {
        return total() - count(Kind.MALFORMED) - count(Kind.DUPLICATE);
    }

    public String summary() {
        StringBuilder s = new StringBuilder(String.format("published=%d in %.1fs (%.0f msg/s)", total(), seconds, rate()));
        for (Kind k : Kind.values()) {
            s.append(' ').append(k.name().toLowerCase()).append('=').append(count(k));
        }
        return s.append(" failed=").append(failed).toString();
    }
}
