package io.edgecollector.collector.parse;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;

/**
 * A payload of the common shape, read with Jackson's streaming parser instead of building its
 * tree: one JSON object whose fields are text, numbers, true, false or null, with at most one
 * object of such fields under "location". Fields keep their order. {@link #read} gives null for
 * anything else (another shape, a duplicate key, trailing data, more than {@value #MAX_FIELDS}
 * fields, a number beyond a long), and the caller then takes the tree path, which decides and
 * names what is wrong.
 */
public final class PlainObject {
    static final int MAX_FIELDS = 64;

    /** What a field holds. */
    enum Kind { TEXT, NUMBER, NULL, BOOLEAN, OBJECT }

    private static final Kind[] KINDS = Kind.values();
    /** A number's bits hold a double, or (this code) an integer; the other codes are the Kind ordinals. */
    private static final byte INTEGER = (byte) KINDS.length;

    /** Two per field: its name, then its text (null when not TEXT). */
    private String[] strings;
    /** Per field: a double's raw bits or an integer's value. */
    private long[] numbers;
    private byte[] kinds;
    private PlainObject location;
    private int size;

    private PlainObject(int capacity) {
        strings = new String[2 * capacity];
        numbers = new long[capacity];
        kinds = new byte[capacity];
    }

    /**
     * Reads one plain object from the parser, which stands before its first token, up to the end
     * of the input; null when the input is anything else.
     */
    public static PlainObject read(JsonParser parser) throws IOException {
        if (parser.nextToken() != JsonToken.START_OBJECT) {
            return null;
        }
        PlainObject object = readFields(parser, true);
        return object == null || parser.nextToken() != null ? null : object;
    }

    /**
     * Reads a plain object whose START_OBJECT the parser has just read, up to its END_OBJECT
     * (a payload inside a raw line); null when it is not one.
     */
    public static PlainObject readObject(JsonParser parser) throws IOException {
        return readFields(parser, true);
    }

    private static PlainObject readFields(JsonParser p, boolean top) throws IOException {
        PlainObject o = new PlainObject(top ? 8 : 2);
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (o.size == MAX_FIELDS || o.index(name) >= 0) {
                return null;
            }
            int i = o.add(name);
            switch (p.nextToken()) {
                case VALUE_STRING -> {
                    o.kinds[i] = (byte) Kind.TEXT.ordinal();
                    o.strings[2 * i + 1] = p.getText();
                }
                case VALUE_NUMBER_INT -> {
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        return null;
                    }
                    o.kinds[i] = INTEGER;
                    o.numbers[i] = p.getLongValue();
                }
                case VALUE_NUMBER_FLOAT -> {
                    o.kinds[i] = (byte) Kind.NUMBER.ordinal();
                    o.numbers[i] = Double.doubleToRawLongBits(p.getDoubleValue());
                }
                case VALUE_NULL -> o.kinds[i] = (byte) Kind.NULL.ordinal();
                case VALUE_TRUE, VALUE_FALSE -> o.kinds[i] = (byte) Kind.BOOLEAN.ordinal();
                case START_OBJECT -> {
                    if (!top || !name.equals("location") || (o.location = readFields(p, false)) == null) {
                        return null;
                    }
                    o.kinds[i] = (byte) Kind.OBJECT.ordinal();
                }
                default -> {
                    return null;
                }
            }
        }
        return t == JsonToken.END_OBJECT ? o : null;
    }

    private int add(String name) {
        if (size == kinds.length) {
            int n = size * 2;
            strings = java.util.Arrays.copyOf(strings, 2 * n);
            numbers = java.util.Arrays.copyOf(numbers, n);
            kinds = java.util.Arrays.copyOf(kinds, n);
        }
        strings[2 * size] = name;
        return size++;
    }

    /** The field's place, or -1. */
    int index(String name) {
        for (int i = 0; i < size; i++) {
            if (strings[2 * i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    int size() {
        return size;
    }

    String name(int i) {
        return strings[2 * i];
    }

    Kind kind(int i) {
        return kinds[i] == INTEGER ? Kind.NUMBER : KINDS[kinds[i]];
    }

    String text(int i) {
        return strings[2 * i + 1];
    }

    double number(int i) {
        return kinds[i] == INTEGER ? (double) numbers[i] : Double.longBitsToDouble(numbers[i]);
    }

    boolean isIntegral(int i) {
        return kinds[i] == INTEGER;
    }

    /** An integral number's exact value. */
    long integer(int i) {
        return numbers[i];
    }

    /** The object under "location", when that field holds one. */
    PlainObject location() {
        return location;
    }
}
