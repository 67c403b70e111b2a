package io.edgecollector.collector.sparkplug;

import java.util.HashMap;
import java.util.Map;

/**
 * What an NBIRTH or DBIRTH declared: each metric by name and by alias, the node's bdSeq
 * (null for a device, or when the birth has none), and where in the raw log it was born.
 */
record Birth(Position at, Map<String, MetricDef> byName, Map<Long, MetricDef> byAlias, Long bdSeq) {
    Birth {
        byName = Map.copyOf(byName);
        byAlias = Map.copyOf(byAlias);
    }

    static Birth empty(Position at) {
        return new Birth(at, new HashMap<>(), new HashMap<>(), null);
    }
}
