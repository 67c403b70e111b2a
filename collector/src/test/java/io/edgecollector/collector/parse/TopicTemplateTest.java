package io.edgecollector.collector.parse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** match() walks the topic in place; it must give what splitting the topic at '/' gave. */
class TopicTemplateTest {
    static final String[] TEMPLATES = {"sensors/{sensor_id}/{metric}", "sensors/{sensor_id}/#", "+/{sensor_id}", "#",
        "{sensor_id}", "a/+/{metric}/#", "sensors/{sensor_id}", "", "a/b"};
    static final String[] LEVELS = {"sensors", "a", "b", "", "Sensor 1", "temp", "+", "#", "x/y"};

    /** The earlier implementation, by split. */
    static Optional<TopicTemplate.Ids> bySplit(String template, String topic) {
        String[] levels = template.isEmpty() ? new String[0] : template.split("/", -1);
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
            switch (levels[i]) {
                case "{sensor_id}" -> sensorId = parts[i];
                case "{metric}" -> metric = parts[i];
                case "+" -> { }
                default -> {
                    if (!levels[i].equals(parts[i])) {
                        return Optional.empty();
                    }
                }
            }
        }
        return Optional.of(new TopicTemplate.Ids(sensorId, metric));
    }

    @Test
    void match_agreesWithSplitting_overGeneratedTopics() {
        Random random = new Random(18);
        int matched = 0;
        for (int i = 0; i < 100_000; i++) {
            StringBuilder topic = new StringBuilder();
            int levels = random.nextInt(5);
            for (int l = 0; l < levels; l++) {
                if (l > 0) {
                    topic.append('/');
                }
                topic.append(LEVELS[random.nextInt(LEVELS.length)]);
            }
            String template = TEMPLATES[random.nextInt(TEMPLATES.length)];
            Optional<TopicTemplate.Ids> expected = bySplit(template, topic.toString());
            assertEquals(expected, TopicTemplate.of(template).match(topic.toString()), template + " vs " + topic);
            if (expected.isPresent()) {
                matched++;
            }
        }
        assertTrue(matched > 10_000 && matched < 90_000, "matched " + matched);
    }

    @Test
    void example_isATopicTheTemplateMatches_carryingTheIds() {
        for (String template : new String[] {"sensors/{sensor_id}/{metric}", "site/+/{metric}/{sensor_id}/#",
                "devices/{sensor_id}", "plant/line-1/#", "/sensors/{sensor_id}/{metric}", "/", "a//{metric}"}) {
            TopicTemplate t = TopicTemplate.of(template);
            String topic = t.example("Sensor 7", "co2");
            TopicTemplate.Ids ids = t.match(topic).orElseThrow(() -> new AssertionError(template + " does not match " + topic));
            assertEquals(template.contains("{sensor_id}") ? "Sensor 7" : null, ids.sensorId(), topic);
            assertEquals(template.contains("{metric}") ? "co2" : null, ids.metric(), topic);
        }
        assertEquals("Sensor 7/co2", TopicTemplate.of("").example("Sensor 7", "co2"));
    }
}
