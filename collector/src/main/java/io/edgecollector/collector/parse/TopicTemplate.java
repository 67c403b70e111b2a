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

    public Optional<Ids> match(String topic) {
        if (levels.length == 0) {
            return Optional.empty();
        }
        String[] parts = topic.split("/", -1);
        boolean trailingHash = levels[levels.length - 1].equals("#");
        int fixed = trailingHash ? levels.length - 1 : levels.length;
        if (parts.length < fixed || (!trailingHash && parts.length != fixed)) {
            return Optional.empty();
        }
        String sensorId = null;
        String metric = null;
        for (int i = 0; i < fixed; i++) {
            String level = levels[i];
            switch (level) {
                case "{sensor_id}" -> sensorId = parts[i];
                case "{metric}" -> metric = parts[i];
                case "+" -> { }
                default -> {
                    if (!level.equals(parts[i])) {
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.of(new Ids(sensorId, metric));
    }
}
