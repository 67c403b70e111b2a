package io.edgecollector.collector;

import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.parse.ReadingMapper;
import io.edgecollector.collector.parse.TopicTemplate;
import io.edgecollector.collector.sparkplug.SparkplugState;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.QualityRules;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import jakarta.validation.Validator;

/**
 * The path from a message to readings, as configured: the sensor registry and the processor
 * (map, validate, flag). run, replay, compact and db migrate build it here, so a raw line means
 * the same rows whichever of them reads it. Sparkplug B messages are mapped by
 * {@link SparkplugState}, from the births before them in the raw files.
 */
public record MessagePath(SensorRegistry registry, MessageProcessor processor, SparkplugState sparkplug) {
    public static MessagePath of(CollectorConfig config) {
        Validator validator = Validators.shared();
        SensorRegistry registry = SensorRegistry.load(config.sensorsFile(), validator);
        SparkplugState sparkplug = new SparkplugState(config.rawDir(), config.instanceId());
        return new MessagePath(registry, processor(config, validator, registry, sparkplug), sparkplug);
    }

    /**
     * This path's processor with another validator (the same registry, rules and Sparkplug state):
     * compaction's for lines intake validated already.
     */
    public MessageProcessor processor(CollectorConfig config, Validator validator) {
        return processor(config, validator, registry, sparkplug);
    }

    /** The processor for a registry already loaded (tests and benchmarks bring their own). */
    public static MessageProcessor processor(CollectorConfig config, Validator validator, SensorRegistry registry) {
        return processor(config, validator, registry, new SparkplugState(config.rawDir(), config.instanceId()));
    }

    /**
     * Sparkplug B topics (spBv1.0/...) are always read as Sparkplug, whether or not this
     * collector subscribes to them (sparkplug.enabled): a raw line means the same rows in
     * every configuration that replays or compacts it.
     */
    private static MessageProcessor processor(CollectorConfig config, Validator validator, SensorRegistry registry,
                                              SparkplugState sparkplug) {
        return new MessageProcessor(new ReadingMapper(TopicTemplate.of(config.topicTemplate()), config.defaultMetric()),
                validator, registry, new QualityRules(config.missingSentinels(), config.futureTolerance(), config.staleAfter()),
                sparkplug);
    }
}
