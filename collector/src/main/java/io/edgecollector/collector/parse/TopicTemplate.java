package io.edgecollector.collector.parse;

import java.util.Optional;

/**
 * A topic pattern such as {@code sensors/{sensor_id}/{metric}}: each level is a literal, '+'
 * (any), a placeholder, or a final '#'. A matching topic supplies the placeholders' values.
 */
public final class TopicTemplate {
    /** Ids a topic supplied; a null field means the template does not carry it. */
    public record Ids(String sensorId, String metric) {
    }

    private final String[] levels;

    private TopicTemplate(String template) {
        this.levels = template.isEmpty() ? new String[0] : template.split("/", -1);
    }

    public static TopicTemplate of(String template) {
        return new TopicTemplate(template == null ? "" : template);
    }

    /**
     * A topic this template matches, carrying these ids where it has their placeholders ('+'
     * levels get "x", a final '#' one more level); with no template, a topic of the two ids.
     */
    public String example(String sensorId, String metric) {
        if (levels.length == 0) {
            return sensorId + "/" + metric;
        }
        String[] topic = new String[levels.length];
        for (int i = 0; i < levels.length; i++) {
            topic[i] = switch (levels[i]) {
                case "{sensor_id}" -> sensorId;
                case "{metric}" -> metric;
                case "+" -> "x";
                case "#" -> "more";
                default -> levels[i];
            };
        }
        return String.join("/", topic);
    }

    /** A match with neither id: no allocation for templates that carry none. */
    private static final Optional<Ids> NO_IDS = Optional.of(new Ids(null, null));

    /** Walks the topic's levels in place (no split, no array): this runs for every message. */
    public Optional<Ids> match(String topic) {
        if (levels.length == 0) {
            return Optional.empty();
        }
        boolean trailingHash = levels[levels.length - 1].equals("#");
        int fixed = trailingHash ? levels.length - 1 : levels.length;
        String sensorId = null;
        String metric = null;
        int from = 0;
        int n = topic.length();
        for (int i = 0; i < fixed; i++) {
            if (from > n) {
                return Optional.empty(); // fewer levels than the template
            }
            int slash = topic.indexOf('/', from);
            int to = slash < 0 ? n : slash;
            String level = levels[i];
            switch (level) {
                case "{sensor_id}" -> sensorId = topic.substring(from, to);
                case "{metric}" -> metric = topic.substring(from, to);
                case "+" -> { }
                default -> {
                    if (to - from != level.length() || !topic.startsWith(level, from)) {
                        return Optional.empty();
                    }
                }
            }
            from = slash < 0 ? n + 1 : slash + 1;
        }
        // without a trailing '#', the topic must end here; with one, any rest (or none) matches
        if (!trailingHash && from <= n) {
            return Optional.empty();
        }
        return sensorId == null && metric == null ? NO_IDS : Optional.of(new Ids(sensorId, metric));
    }
}
