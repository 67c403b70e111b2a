package io.edgecollector.collector.rawlog;

import java.time.LocalDate;

/** One encoded raw line (ending in a newline) and the UTC day of receipt that picks its file. */
public record RawLine(LocalDate day, byte[] bytes) {
}
