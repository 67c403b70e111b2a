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

    private String[] names = new String[8];
    private Kind[] kinds = new Kind[8];
    private String[] texts = new String[8];
    private double[] numbers = new double[8];
    /** The exact value of an integer, which epoch timestamps and numeric ids read. */
    private long[] integers = new long[8];
    private boolean[] integral = new boolean[8];
    private PlainObject location;
    private int size;

    private PlainObject() {
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
        PlainObject o = new PlainObject();
        JsonToken t;
        while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (o.size == MAX_FIELDS || o.index(name) >= 0) {
                return null;
            }
            int i = o.add(name);
            switch (p.nextToken()) {
                case VALUE_STRING -> {
                    o.kinds[i] = Kind.TEXT;
                    o.texts[i] = p.getText();
                }
                case VALUE_NUMBER_INT -> {
                    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
                        return null;
                    }
                    o.kinds[i] = Kind.NUMBER;
                    o.integers[i] = p.getLongValue();
                    o.numbers[i] = o.integers[i];
                    o.integral[i] = true;
                }
                case VALUE_NUMBER_FLOAT -> {
                    o.kinds[i] = Kind.NUMBER;
                    o.numbers[i] = p.getDoubleValue();
                }
                case VALUE_NULL -> o.kinds[i] = Kind.NULL;
                case VALUE_TRUE, VALUE_FALSE -> o.kinds[i] = Kind.BOOLEAN;
                case START_OBJECT -> {
                    if (!top || !name.equals("location") || (o.location = readFields(p, false)) == null) {
                        return null;
                    }
                    o.kinds[i] = Kind.OBJECT;
                }
                default -> {
                    return null;
                }
            }
        }
        return t == JsonToken.END_OBJECT ? o : null;
    }

    private int add(String name) {
        if (size == names.length) {
            int n = size * 2;
            names = java.util.Arrays.copyOf(names, n);
            kinds = java.util.Arrays.copyOf(kinds, n);
            texts = java.util.Arrays.copyOf(texts, n);
            numbers = java.util.Arrays.copyOf(numbers, n);
            integers = java.util.Arrays.copyOf(integers, n);
            integral = java.util.Arrays.copyOf(integral, n);
        }
        names[size] = name;
        return size++;
    }

    /** The field's place, or -1. */
    int index(String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    int size() {
        return size;
    }

    String name(int i) {
        return names[i];
    }

    Kind kind(int i) {
        return kinds[i];
    }

    String text(int i) {
        return texts[i];
    }

    double number(int i) {
        return numbers[i];
    }

    boolean isIntegral(int i) {
        return integral[i];
    }

    long integer(int i) {
        return integers[i];
    }

    /** The object under "location", when that field holds one. */
    PlainObject location() {
        return location;
    }
}
