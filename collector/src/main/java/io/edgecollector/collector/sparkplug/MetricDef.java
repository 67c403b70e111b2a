package io.edgecollector.collector.sparkplug;

import org.eclipse.tahu.message.model.MetricDataType;

/** A metric as its birth declares it: name, datatype and engineering unit (null when none). */
record MetricDef(String name, MetricDataType type, String unit) {
}
