package io.edgecollector.collector.validate;

import java.time.Duration;
import java.util.List;

/** Thresholds for quality flags. */
public record QualityRules(List<Double> missingSentinels, Duration futureTolerance, Duration staleAfter) {
    public QualityRules {
        missingSentinels = List.copyOf(missingSentinels);
    }
}
