package io.edgecollector.collector.alert;

/** One (sensor, metric): its newest reading time and value, and the states of its rules. */
final class Series {
    final String sensorId;
    final String metric;
    long lastTsMillis = Slot.NONE;
    long lastValueTsMillis = Slot.NONE;
    double lastValue;
    Slot[] slots;

    Series(String sensorId, String metric, Slot[] slots) {
        this.sensorId = sensorId;
        this.metric = metric;
        this.slots = slots;
    }
}
