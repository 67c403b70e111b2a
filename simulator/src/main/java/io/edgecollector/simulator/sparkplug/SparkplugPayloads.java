package io.edgecollector.simulator.sparkplug;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Date;
import java.util.List;
import org.eclipse.tahu.SparkplugInvalidTypeException;
import org.eclipse.tahu.message.SparkplugBPayloadEncoder;
import org.eclipse.tahu.message.model.Metric;
import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.message.model.PropertyDataType;
import org.eclipse.tahu.message.model.PropertySet;
import org.eclipse.tahu.message.model.PropertyValue;
import org.eclipse.tahu.message.model.SparkplugBPayload;

/**
 * Sparkplug B payloads as an edge node sends them, encoded by Eclipse Tahu: births name each
 * metric with its alias, datatype and engUnit; data carries aliases only. Each metric carries
 * the payload's timestamp (Tahu's builder would stamp it with the time of building). Values
 * take Tahu's Java types (Int32 an Integer, UInt64 a BigInteger...).
 */
public final class SparkplugPayloads {
    /** A metric as declared in a birth. unit may be null. */
    public record Def(String name, long alias, MetricDataType type, String unit) {
    }

    private SparkplugPayloads() {
    }

    /** An NBIRTH or DBIRTH: every metric by name and alias, with its value; bdSeq (NBIRTH only) when not null. */
    public static byte[] birth(long timestamp, long seq, Long bdSeq, List<Def> defs, List<Object> values) {
        try {
            SparkplugBPayload.SparkplugBPayloadBuilder b = new SparkplugBPayload.SparkplugBPayloadBuilder(seq)
                    .setTimestamp(new Date(timestamp));
            if (bdSeq != null) {
                b.addMetric(new Metric.MetricBuilder("bdSeq", MetricDataType.Int64, bdSeq).createMetric());
                b.addMetric(new Metric.MetricBuilder("Node Control/Rebirth", MetricDataType.Boolean, false).createMetric());
            }
            for (int i = 0; i < defs.size(); i++) {
                Def d = defs.get(i);
                Metric.MetricBuilder m = new Metric.MetricBuilder(d.name(), d.type(), values.get(i)).alias(d.alias())
                        .timestamp(new Date(timestamp));
                if (d.unit() != null) {
                    m.properties(new PropertySet.PropertySetBuilder()
                            .addProperty("engUnit", new PropertyValue(PropertyDataType.String, d.unit())).createPropertySet());
                }
                b.addMetric(m.createMetric());
            }
            return encode(b.createPayload());
        } catch (SparkplugInvalidTypeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** An NDATA or DDATA: each metric by alias only, with its datatype and value. */
    public static byte[] data(long timestamp, long seq, List<Def> defs, List<Object> values) {
        try {
            SparkplugBPayload.SparkplugBPayloadBuilder b = new SparkplugBPayload.SparkplugBPayloadBuilder(seq)
                    .setTimestamp(new Date(timestamp));
            for (int i = 0; i < defs.size(); i++) {
                Def d = defs.get(i);
                b.addMetric(new Metric.MetricBuilder(d.alias(), d.type(), values.get(i)).timestamp(new Date(timestamp)).createMetric());
            }
            return encode(b.createPayload());
        } catch (SparkplugInvalidTypeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** An NDEATH (the node's will): its bdSeq, no seq. */
    public static byte[] nodeDeath(long timestamp, long bdSeq) {
        try {
            return encode(new SparkplugBPayload.SparkplugBPayloadBuilder().setTimestamp(new Date(timestamp))
                    .addMetric(new Metric.MetricBuilder("bdSeq", MetricDataType.Int64, bdSeq).createMetric())
                    .createPayload());
        } catch (SparkplugInvalidTypeException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    /** A DDEATH: no metrics. */
    public static byte[] deviceDeath(long timestamp, long seq) {
        return encode(new SparkplugBPayload.SparkplugBPayloadBuilder(seq).setTimestamp(new Date(timestamp)).createPayload());
    }

    private static byte[] encode(SparkplugBPayload payload) {
        try {
            return new SparkplugBPayloadEncoder().getBytes(payload, false);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
