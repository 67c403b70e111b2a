package io.edgecollector.collector.lake;

import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;

/** The Parquet schemas of the lake (written through Avro records). */
final class LakeSchemas {
    private LakeSchemas() {
    }

    private static Schema micros() {
        return LogicalTypes.timestampMicros().addToSchema(Schema.create(Schema.Type.LONG));
    }

    /** data/lake/measurements: one row per reading, as in the measurements table. */
    static final Schema MEASUREMENT = SchemaBuilder.record("measurement").namespace("io.edgecollector.lake").fields()
            .requiredString("sensor_id")
            .requiredString("metric")
            .name("ts").type(micros()).noDefault()
            .optionalDouble("value")
            .optionalString("unit")
            .requiredString("quality")
            .requiredString("topic")
            .name("received_at").type(micros()).noDefault()
            .endRecord();

    /** data/lake/rollups_1h: per sensor, metric and hour of ts; missing values are not counted. */
    static final Schema ROLLUP = SchemaBuilder.record("rollup_1h").namespace("io.edgecollector.lake").fields()
            .requiredString("sensor_id")
            .requiredString("metric")
            .name("hour").type(micros()).noDefault()
            .requiredLong("count")
            .requiredDouble("min")
            .requiredDouble("max")
            .requiredDouble("avg")
            .requiredLong("valid_count")
            .endRecord();
}
