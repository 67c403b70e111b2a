package io.edgecollector.collector.history;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * One line of a history file as it becomes raw lines: the readings it gave as a JSON payload
 * (null when none), and the reasons for what could not be read (each naming the line, and
 * the column where there is one), with the line's own text.
 */
record SourceLine(long number, String text, JsonNode payload, List<String> errors) {
    static SourceLine bad(long number, String text, String reason) {
        return new SourceLine(number, text, null, List.of("line " + number + ": " + reason));
    }
}
