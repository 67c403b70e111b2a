package io.edgecollector.collector.parse;

import java.util.List;

/**
 * What one message became: readings (possibly none), rejection reasons (possibly none) and,
 * when there are rejections, the kind of the first.
 */
public record MappedMessage(List<Reading> readings, List<String> rejections, RejectReason reason) {
    public MappedMessage {
        readings = List.copyOf(readings);
        rejections = List.copyOf(rejections);
        reason = rejections.isEmpty() ? null : reason;
    }

    /** What the mapper makes: its rejections are about the message's shape. */
    public MappedMessage(List<Reading> readings, List<String> rejections) {
        this(readings, rejections, RejectReason.SHAPE);
    }

    public static MappedMessage rejected(String reason) {
        return new MappedMessage(List.of(), List.of(reason));
    }
}
