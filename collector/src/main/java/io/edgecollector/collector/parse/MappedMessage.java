package io.edgecollector.collector.parse;

import java.util.List;

/** What one message became: readings (possibly none) and rejection reasons (possibly none). */
public record MappedMessage(List<Reading> readings, List<String> rejections) {
    public MappedMessage {
        readings = List.copyOf(readings);
        rejections = List.copyOf(rejections);
    }

    public static MappedMessage rejected(String reason) {
        return new MappedMessage(List.of(), List.of(reason));
    }
}
