package io.edgecollector.collector.parse;

import com.fasterxml.jackson.databind.JsonNode;

/** Small helpers for error messages about JSON values. */
final class Json {
    private static final int MAX_SHOWN = 60;

    private Json() {
    }

    static String describe(JsonNode node) {
        if (node.isTextual()) {
            return "text '" + abbreviate(node.asText()) + "'";
        }
        if (node.isObject()) {
            return "an object";
        }
        if (node.isArray()) {
            return "an array";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return abbreviate(node.toString());
    }

    static String abbreviate(String s) {
        return s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...";
    }
}
