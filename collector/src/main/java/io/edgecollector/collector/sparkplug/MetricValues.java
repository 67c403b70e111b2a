package io.edgecollector.collector.sparkplug;

import org.eclipse.tahu.message.model.MetricDataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;

/**
 * A metric's value as a number, read by the datatype its birth declared (data messages may
 * omit the datatype, and Int8..Int32 travel as unsigned 32-bit fields: only the declared type
 * tells -1 from 4294967295). Booleans are 0 or 1. Other types are not numbers.
 */
final class MetricValues {
    /** The value could not be read as a number; why. */
    static final class NotNumeric extends Exception {
        NotNumeric(String message) {
            super(message, null, false, false);
        }
    }

    private MetricValues() {
    }

    static boolean isNumeric(MetricDataType type) {
        return switch (type) {
            case Int8, Int16, Int32, Int64, UInt8, UInt16, UInt32, UInt64, Float, Double, Boolean -> true;
            default -> false;
        };
    }

    /** The value, or null for a metric sent as is_null. */
    static Double of(Metric m, MetricDataType type) throws NotNumeric {
        if (m.getIsNull()) {
            return null;
        }
        return switch (type) {
            case Int8 -> (double) (byte) bits(m, type);
            case Int16 -> (double) (short) bits(m, type);
            case Int32 -> (double) (int) bits(m, type);
            case Int64 -> (double) bits(m, type);
            case UInt8 -> (double) (bits(m, type) & 0xFFL);
            case UInt16 -> (double) (bits(m, type) & 0xFFFFL);
            case UInt32 -> (double) (bits(m, type) & 0xFFFF_FFFFL);
            case UInt64 -> unsigned(bits(m, type));
            case Float -> floating(m, type);
            case Double -> floating(m, type);
            case Boolean -> {
                if (m.getValueCase() != Metric.ValueCase.BOOLEAN_VALUE) {
                    throw mismatch(m, type);
                }
                yield m.getBooleanValue() ? 1.0 : 0.0;
            }
            default -> throw new NotNumeric(type + " is not a number");
        };
    }

    /** The integer's 64 bits, whichever field carries it (int_value is unsigned 32-bit). */
    private static long bits(Metric m, MetricDataType type) throws NotNumeric {
        return switch (m.getValueCase()) {
            case INT_VALUE -> m.getIntValue() & 0xFFFF_FFFFL;
            case LONG_VALUE -> m.getLongValue();
            default -> throw mismatch(m, type);
        };
    }

    private static double floating(Metric m, MetricDataType type) throws NotNumeric {
        return switch (m.getValueCase()) {
            // the float's shortest decimal (23.4f stores 23.4, not 23.399999618530273)
            case FLOAT_VALUE -> Double.parseDouble(Float.toString(m.getFloatValue()));
            case DOUBLE_VALUE -> m.getDoubleValue();
            default -> throw mismatch(m, type);
        };
    }

    /** A UInt64 above 2^63 arrives as a negative long: read its bits as unsigned. */
    private static double unsigned(long bits) {
        return bits >= 0 ? (double) bits : Double.parseDouble(Long.toUnsignedString(bits));
    }

    private static NotNumeric mismatch(Metric m, MetricDataType type) {
        return new NotNumeric("declared " + type + " but carries " + m.getValueCase());
    }
}
