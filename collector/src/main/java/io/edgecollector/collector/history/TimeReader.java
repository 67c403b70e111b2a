package io.edgecollector.collector.history;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.zone.ZoneOffsetTransition;

/**
 * Reads the time of a CSV line: one column (ISO-8601 with or without offset, a pattern, or
 * epoch seconds/milliseconds), or a date and a time-of-day column with their patterns. Local
 * times are in the given zone. Strict: a date that does not exist (31/02) or a local time that
 * the clocks skipped (a spring-forward gap) is an error naming the text; a time that occurs
 * twice (autumn) is taken at its first occurrence, the earlier offset.
 */
final class TimeReader {
    private static final DateTimeFormatter ISO_LOCAL = new DateTimeFormatterBuilder()
            .append(DateTimeFormatter.ISO_LOCAL_DATE)
            .optionalStart().appendLiteral('T').optionalEnd()
            .optionalStart().appendLiteral(' ').optionalEnd()
            .append(DateTimeFormatter.ISO_LOCAL_TIME)
            .toFormatter().withResolverStyle(ResolverStyle.STRICT);

    private final DateTimeFormatter date;
    private final DateTimeFormatter time;
    private final ZoneId zone;

    TimeReader(String datePattern, String timePattern, ZoneId zone) {
        this.date = datePattern == null ? null : strict(datePattern);
        this.time = timePattern == null ? null : strict(timePattern);
        this.zone = zone;
    }

    /** A pattern as people write it (yyyy), resolved strictly (uuuu: year without era). */
    private static DateTimeFormatter strict(String pattern) {
        return DateTimeFormatter.ofPattern(pattern.replace('y', 'u')).withResolverStyle(ResolverStyle.STRICT);
    }

    /** The instant of a one-column timestamp. */
    Instant read(String text) {
        String t = text.strip();
        if (t.isEmpty()) {
            throw new IllegalArgumentException("no time");
        }
        try {
            if (date != null) {
                var parsed = date.parse(t);
                if (parsed.isSupported(ChronoField.OFFSET_SECONDS)) {
                    return OffsetDateTime.from(parsed).toInstant();
                }
                if (parsed.isSupported(ChronoField.HOUR_OF_DAY)) {
                    return local(LocalDateTime.from(parsed), t);
                }
                return local(LocalDate.from(parsed).atStartOfDay(), t);
            }
            if (t.chars().allMatch(Character::isDigit) && t.length() >= 9) {
                long n = Long.parseLong(t);
                return n > 100_000_000_000L ? Instant.ofEpochMilli(n) : Instant.ofEpochSecond(n);
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:?\\d\\d$")) {
                return OffsetDateTime.parse(t.replace(' ', 'T')).toInstant();
            }
            return local(LocalDateTime.parse(t, ISO_LOCAL), t);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time '" + t + "' " + why(e));
        }
    }

    /** The instant of a date column and a time-of-day column. */
    Instant read(String dateText, String timeText) {
        String d = dateText.strip();
        String t = timeText.strip();
        LocalDate day;
        LocalTime clock;
        try {
            day = date == null ? LocalDate.parse(d) : LocalDate.from(date.parse(d));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("date '" + d + "' " + why(e));
        }
        try {
            clock = time == null ? LocalTime.parse(t) : LocalTime.from(time.parse(t));
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("time '" + t + "' " + why(e));
        }
        return local(day.atTime(clock), d + " " + t);
    }

    private Instant local(LocalDateTime local, String text) {
        ZoneOffsetTransition gap = zone.getRules().getTransition(local);
        if (gap != null && gap.isGap()) {
            throw new IllegalArgumentException("time '" + text + "' does not exist in " + zone
                    + " (clocks moved forward from " + gap.getDateTimeBefore().toLocalTime() + " to "
                    + gap.getDateTimeAfter().toLocalTime() + ")");
        }
        return ZonedDateTime.ofLocal(local, zone, null).toInstant();
    }

    private static String why(DateTimeParseException e) {
        Throwable cause = e.getCause();
        if (cause instanceof DateTimeException dte && dte.getMessage() != null && dte.getMessage().startsWith("Invalid date")) {
            return "does not exist (" + dte.getMessage() + ")";
        }
        return "cannot be read" + (e.getErrorIndex() > 0 ? " at character " + (e.getErrorIndex() + 1) : "");
    }
}
