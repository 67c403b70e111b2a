package io.edgecollector.collector.validate;

import io.edgecollector.collector.parse.Quality;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.PlainObject;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.ReadingMapper;
import io.edgecollector.collector.parse.RejectReason;
import io.edgecollector.collector.parse.StatefulMapper;
import jakarta.validation.Validator;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The one code path from a message to stored readings and rejections: map the payload shape,
 * validate each reading (Bean Validation's
 * constraints on Reading, compiled once: {@link CompiledConstraints}), then flag its quality. Ingestion, loading, replay and
 * compaction all go through here, so they agree.
 */
public final class MessageProcessor {
    private final ReadingMapper mapper;
    private final CompiledConstraints<Reading> constraints;
    private volatile SensorRegistry registry;
    private final QualityRules rules;
    private final StatefulMapper stateful;

    public MessageProcessor(ReadingMapper mapper, Validator validator, SensorRegistry registry, QualityRules rules) {
        this(mapper, validator, registry, rules, StatefulMapper.NONE);
    }

    /** With a mapper for the topics of a stateful protocol (Sparkplug B); other topics go to mapper. */
    public MessageProcessor(ReadingMapper mapper, Validator validator, SensorRegistry registry, QualityRules rules,
                            StatefulMapper stateful) {
        this.mapper = mapper;
        this.constraints = CompiledConstraints.of(validator, Reading.class);
        this.registry = registry;
        this.rules = rules;
        this.stateful = stateful;
    }

    /** The registry re-read on SIGHUP: messages processed from now on are flagged against it. */
    public void useRegistry(SensorRegistry newRegistry) {
        this.registry = newRegistry;
    }

    /** A live message, not yet written (intake): a stateful protocol's newest state applies. */
    public MappedMessage process(RawMessage message) {
        return process(message, null, 0, 0);
    }

    /** Whether what this topic's messages mean depends on earlier lines (then it is not handed over). */
    public boolean isStateful(String topic) {
        return stateful.handles(topic);
    }

    /** A message read back from the raw line at offset (length bytes) of the raw file. */
    public MappedMessage process(RawMessage message, Path file, long offset, int length) {
        return checked(stateful.handles(message.topic())
                ? stateful.map(message, file, offset, length) : mapper.map(message));
    }

    /**
     * A live message whose payload is a plain object ({@link PlainObject}), as {@link #process}
     * would give it; null when the mapper leaves it to the tree path (or a stateful protocol owns
     * the topic): then decode the payload and call process.
     */
    public MappedMessage processPlain(PlainObject payload, String topic, Instant receivedAt) {
        if (stateful.handles(topic)) {
            return null;
        }
        MappedMessage mapped = mapper.mapPlain(payload, topic, receivedAt);
        return mapped == null ? null : checked(mapped);
    }

    /** Validates each mapped reading and flags the valid ones. */
    private MappedMessage checked(MappedMessage mapped) {
        List<Reading> accepted = new ArrayList<>(mapped.readings().size());
        List<String> rejections = new ArrayList<>(mapped.rejections());
        for (Reading r : mapped.readings()) {
            List<String> violations = constraints.violations(r);
            if (violations.isEmpty()) {
                accepted.add(assess(r));
            } else {
                rejections.add(describe(r, violations));
            }
        }
        return new MappedMessage(accepted, rejections,
                mapped.rejections().isEmpty() ? RejectReason.INVALID_FIELD : mapped.reason());
    }

    private static String describe(Reading r, List<String> sortedMessages) {
        return mappedMetric(r) + String.join("; ", sortedMessages);
    }

    private static String mappedMetric(Reading r) {
        return r.metric() == null || r.metric().isBlank() || r.metric().length() > 100 ? "" : r.metric() + ": ";
    }

    private Reading assess(Reading r) {
        Sensor sensor = registry.find(r.sensorId());
        Reading withUnit = r.unit() == null && sensor != null && sensor.hasRangeFor(r.metric())
                ? r.withUnit(sensor.unit()) : r;
        return withUnit.withQuality(flag(withUnit, sensor));
    }

    /** Readings imported as history (collector import) arrive late by nature: they are never flagged stale. */
    public static final String HISTORY_TOPIC_PREFIX = "import/";

    private Quality flag(Reading r, Sensor sensor) {
        if (r.value() == null || rules.missingSentinels().contains(r.value())) {
            return Quality.MISSING_VALUE;
        }
        if (r.ts().isAfter(r.receivedAt().plus(rules.futureTolerance()))) {
            return Quality.FUTURE_TIMESTAMP;
        }
        if (r.ts().isBefore(r.receivedAt().minus(rules.staleAfter())) && !r.topic().startsWith(HISTORY_TOPIC_PREFIX)) {
            return Quality.STALE;
        }
        if (sensor == null) {
            return Quality.UNKNOWN_SENSOR;
        }
        if (sensor.hasRangeFor(r.metric())) {
            Sensor.Range range = sensor.range();
            boolean below = range.min() != null && r.value() < range.min();
            boolean above = range.max() != null && r.value() > range.max();
            if (below || above) {
                return Quality.OUT_OF_RANGE;
            }
        }
        return Quality.VALID;
    }
}
