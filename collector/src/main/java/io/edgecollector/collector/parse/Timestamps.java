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
            return fromText(field, node.asText());
        }
        throw new IllegalArgumentException(field + " must be ISO-8601 text or an epoch number, got "
                + Json.describe(node));
    }

    /** JSON text as a timestamp: ISO-8601, or an epoch number written as text. */
    static Instant fromText(String field, String value) {
        String text = value.trim();
        if (NUMERIC.matcher(text).matches()) {
            Long exact = text.contains(".") ? null : parseLongOrNull(text);
            return fromEpoch(field, Double.parseDouble(text), exact);
        }
        return fromIso(field, text);
    }

    /** A JSON number as an epoch timestamp; exact is its value when it is an integer within a long, else null. */
    static Instant fromEpoch(String field, double v, Long exact) {
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
        Instant fast = utcOrNull(iso);
        if (fast != null) {
            return fast;
        }
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

    /**
     * The one fast ISO-8601 parser: text shaped as Instant.toString() writes it
     * ({@code 2026-12-02T10:00:00Z}, {@code 2026-12-02T10:00:00.0864Z}, 1-9 fraction digits,
     * years 0000-9999), or null for anything else and for impossible dates (then the caller's
     * general parser decides). For these shapes it gives what Instant.parse and
     * OffsetDateTime.parse give; the raw log's received_at and payload timestamps both use it.
     */
    public static Instant utcOrNull(String s) {
        int n = s.length();
        if (n >= 20 && n <= 30 && s.charAt(4) == '-' && s.charAt(7) == '-' && s.charAt(10) == 'T' && s.charAt(13) == ':'
                && s.charAt(16) == ':' && s.charAt(n - 1) == 'Z') {
            int year = digits(s, 0, 4);
            int month = digits(s, 5, 7);
            int day = digits(s, 8, 10);
            int hour = digits(s, 11, 13);
            int minute = digits(s, 14, 16);
            int second = digits(s, 17, 19);
            int nanos = 0;
            boolean ok = year >= 0 && month >= 1 && month <= 12 && day >= 1 && day <= 31 && hour >= 0 && hour < 24
                    && minute >= 0 && minute < 60 && second >= 0 && second < 60;
            if (ok && n > 20) {
                int fraction = n - 21;
                ok = s.charAt(19) == '.' && fraction >= 1 && fraction <= 9;
                if (ok) {
                    int f = digits(s, 20, n - 1);
                    ok = f >= 0;
                    nanos = f;
                    for (int i = fraction; i < 9; i++) {
                        nanos *= 10;
                    }
                }
            } else if (ok) {
                ok = s.charAt(19) == 'Z';
            }
            if (ok && day <= java.time.YearMonth.of(year, month).lengthOfMonth()) {
                long epochDay = java.time.LocalDate.of(year, month, day).toEpochDay();
                return Instant.ofEpochSecond(epochDay * 86_400L + hour * 3600L + minute * 60L + second, nanos);
            }
        }
        return null;
    }

    /** Days from 1970-01-01 of 0000-01-01 and of 9999-12-31: the years {@link #format} writes itself. */
    private static final long FIRST_DAY = -719_528L;
    private static final long LAST_DAY = 2_932_896L;

    /**
     * Exactly what Instant.toString() gives ({@code 2026-12-02T10:00:00Z}, fractions in groups of
     * three digits: {@code .086Z}, {@code .086400Z}, {@code .086400123Z}), without its general
     * formatter, which was about a fifth of the MQTT callback thread's own work (the raw line's
     * received_at of every message); years outside 0000-9999 through Instant.toString itself.
     */
    public static String format(Instant t) {
        long seconds = t.getEpochSecond();
        long day = Math.floorDiv(seconds, 86_400L);
        if (day < FIRST_DAY || day > LAST_DAY) {
            return t.toString();
        }
        int secondOfDay = (int) Math.floorMod(seconds, 86_400L);
        int nano = t.getNano();
        int fraction = nano == 0 ? 0 : nano % 1_000_000 == 0 ? 3 : nano % 1_000 == 0 ? 6 : 9;
        byte[] b = new byte[fraction == 0 ? 20 : 21 + fraction];
        // civil date from days (Howard Hinnant's algorithm, as LocalDate.ofEpochDay computes it)
        long z = day + 719_468L;
        long era = Math.floorDiv(z, 146_097L);
        int doe = (int) (z - era * 146_097L);
        int yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
        int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        int mp = (5 * doy + 2) / 153;
        int dayOfMonth = doy - (153 * mp + 2) / 5 + 1;
        int month = mp < 10 ? mp + 3 : mp - 9;
        int year = (int) (yoe + era * 400) + (month <= 2 ? 1 : 0);
        digits(b, 0, 4, year);
        b[4] = '-';
        digits(b, 5, 2, month);
        b[7] = '-';
        digits(b, 8, 2, dayOfMonth);
        b[10] = 'T';
        digits(b, 11, 2, secondOfDay / 3600);
        b[13] = ':';
        digits(b, 14, 2, secondOfDay / 60 % 60);
        b[16] = ':';
        digits(b, 17, 2, secondOfDay % 60);
        if (fraction > 0) {
            b[19] = '.';
            digits(b, 20, fraction, fraction == 3 ? nano / 1_000_000 : fraction == 6 ? nano / 1_000 : nano);
        }
        b[b.length - 1] = 'Z';
        return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** v as width decimal digits, zero-padded, at b[at]. */
    private static void digits(byte[] b, int at, int width, int v) {
        for (int i = at + width - 1; i >= at; i--) {
            b[i] = (byte) ('0' + v % 10);
            v /= 10;
        }
    }

    /** The decimal number in s[from, to), or -1 when a character is not a digit. */
    private static int digits(String s, int from, int to) {
        int v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            v = v * 10 + (c - '0');
        }
        return v;
    }
}
