package io.edgecollector.collector.parse;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.regex.Pattern;

/**
 * Reads a timestamp: ISO-8601 text with an offset or Z, or an epoch number. Epoch units are told
 * apart by magnitude: below 1e11 seconds (fractions allowed), below 1e14 milliseconds, below
 * 1e17 microseconds, else nanoseconds.
 */
public final class Timestamps {
    private static final Pattern NUMERIC = Pattern.compile("-?\\d+(\\.\\d+)?");

    private Timestamps() {
    }

    public static Instant parse(String field, JsonNode node) {
        if (node.isNumber()) {
            return fromEpoch(field, node.asDouble(), node.isIntegralNumber() && node.canConvertToLong() ? node.asLong() : null);
        }
        if (node.isTextual()) {
            String text = node.asText().trim();
            if (NUMERIC.matcher(text).matches()) {
                Long exact = text.contains(".") ? null : parseLongOrNull(text);
                return fromEpoch(field, Double.parseDouble(text), exact);
            }
            return fromIso(field, text);
        }
        throw new IllegalArgumentException(field + " must be ISO-8601 text or an epoch number, got "
                + Json.describe(node));
    }

    private static Instant fromEpoch(String field, double v, Long exact) {
        double abs = Math.abs(v);
        try {
            if (exact != null && abs < 1e17) {
                long n = exact;
                if (abs < 1e11) {
                    return Instant.ofEpochSecond(n);
                }
                if (abs < 1e14) {
                    return Instant.ofEpochMilli(n);
                }
                return Instant.ofEpochSecond(Math.floorDiv(n, 1_000_000L), Math.floorMod(n, 1_000_000L) * 1000L);
            }
            if (abs < 1e11) {
                long secs = (long) Math.floor(v);
                return Instant.ofEpochSecond(secs, Math.round((v - secs) * 1e9));
            }
            if (abs < 1e14) {
                return Instant.ofEpochMilli(Math.round(v));
            }
            if (abs < 1e17) {
                return Instant.ofEpochSecond(0, Math.round(v * 1000));
            }
            if (abs < 9.2e18) {
                return Instant.ofEpochSecond(0, Math.round(v));
            }
        } catch (DateTimeException | ArithmeticException e) {
            // falls through to the out-of-range message
        }
        throw new IllegalArgumentException(field + " " + Json.abbreviate(Double.toString(v))
                + " is outside any supported epoch range");
    }

    private static Instant fromIso(String field, String text) {
        String iso = text.length() > 10 && text.charAt(10) == ' '
                ? text.substring(0, 10) + 'T' + text.substring(11) : text;
        try {
            return OffsetDateTime.parse(iso).toInstant();
        } catch (DateTimeParseException e) {
            if (isLocalDateTime(iso)) {
                throw new IllegalArgumentException(field + " '" + Json.abbreviate(text)
                        + "' has no zone offset (add Z or +hh:mm)");
            }
            throw new IllegalArgumentException(field + " '" + Json.abbreviate(text)
                    + "' is not an ISO-8601 timestamp or epoch number");
        }
    }

    private static boolean isLocalDateTime(String iso) {
        try {
            LocalDateTime.parse(iso);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static Long parseLongOrNull(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
