package io.edgecollector.collector.lake;

import io.edgecollector.collector.parse.Quality;
import java.nio.charset.StandardCharsets;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.parquet.avro.AvroSchemaConverter;
import org.apache.parquet.avro.AvroWriteSupport;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;

/**
 * Writes the lake's measurement rows ({@link KeyOrder.Row}) into Parquet directly, where
 * parquet-avro would take a GenericRecord per row, look each field up by name and encode every
 * string to UTF-8 again (a third of the writing thread's time for a 1M-line day). The file is
 * the one parquet-avro writes: the schema and the footer's metadata ("parquet.avro.schema",
 * "writer.model.name") come from parquet-avro's own AvroWriteSupport for
 * {@link LakeSchemas#MEASUREMENT}, and the values go to the same columns in the same order, so
 * the bytes are the same (DayCompactorTest compares them).
 */
final class MeasurementWriteSupport extends WriteSupport<KeyOrder.Row> {
    private static final Binary[] QUALITY = new Binary[Quality.values().length];

    static {
        for (Quality q : Quality.values()) {
            QUALITY[q.ordinal()] = Binary.fromConstantByteArray(q.label().getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Schema schema;
    private AvroWriteSupport<Object> avro;
    private RecordConsumer out;
    /** The last string written to each text column and its bytes: rows come in key order, so most repeat. */
    private final Text sensorId = new Text();
    private final Text metric = new Text();
    private final Text unit = new Text();
    private final Text topic = new Text();

    MeasurementWriteSupport(Schema schema) {
        this.schema = schema;
    }

    @Override
    public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
        throw new UnsupportedOperationException("the lake is written without Hadoop");
    }

    @Override
    public WriteContext init(ParquetConfiguration configuration) {
        avro = new AvroWriteSupport<>(new AvroSchemaConverter(configuration).convert(schema), schema, GenericData.get());
        return avro.init(configuration);
    }

    @Override
    public String getName() {
        return avro == null ? "avro" : avro.getName();
    }

    @Override
    public FinalizedWriteContext finalizeWrite() {
        return avro.finalizeWrite();
    }

    @Override
    public void prepareForWrite(RecordConsumer recordConsumer) {
        this.out = recordConsumer;
    }

    /** The columns of {@link LakeSchemas#MEASUREMENT}, in order; a null optional value is a field not written. */
    @Override
    public void write(KeyOrder.Row r) {
        out.startMessage();
        binary("sensor_id", 0, sensorId.of(r.sensorId()));
        binary("metric", 1, metric.of(r.metric()));
        int64("ts", 2, r.tsMicros());
        if (r.value() != null) {
            out.startField("value", 3);
            out.addDouble(r.value());
            out.endField("value", 3);
        }
        if (r.unit() != null) {
            binary("unit", 4, unit.of(r.unit()));
        }
        binary("quality", 5, QUALITY[r.quality().ordinal()]);
        binary("topic", 6, topic.of(r.topic()));
        int64("received_at", 7, r.receivedAtMicros());
        out.endMessage();
    }

    private void binary(String field, int index, Binary value) {
        out.startField(field, index);
        out.addBinary(value);
        out.endField(field, index);
    }

    private void int64(String field, int index, long value) {
        out.startField(field, index);
        out.addLong(value);
        out.endField(field, index);
    }

    /** A column's last string and its UTF-8 bytes. */
    private static final class Text {
        private String last;
        private Binary bytes;

        Binary of(String s) {
            if (s == null) {
                throw new NullPointerException("a required text column got null");
            }
            if (s != last && !s.equals(last)) {
                last = s;
                bytes = Binary.fromConstantByteArray(s.getBytes(StandardCharsets.UTF_8));
            }
            return bytes;
        }
    }
}
