package io.edgecollector.collector.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import io.edgecollector.collector.MessagePath;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.validate.CompiledConstraints;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one message costs on each step of the collector's path, for the simulator's message
 * ({"sensor_id","type","value","unit","location","timestamp"} on sensors/{sensor_id}/{metric},
 * a known sensor of config/sensors.json, default settings). Per message, in microseconds.
 * {@code intake} is the intake thread's whole work (the plain path), {@code intakeTree} the same
 * through the payload's tree; {@code readBack} what the loader did
 * per line before intake handed its results over; {@code copyEncode} the binary COPY of one row.
 * Run from the repository root: bench/hotpaths.sh
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx128m", "-XX:+UseSerialGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class HotPaths {
    static final String TOPIC = "sensors/Sensor 1/temperature";
    static final int ROWS = 100;

    private byte[] payload;
    private Instant receivedAt;
    private PayloadDecoder decoder;
    private Validator validator;
    private CompiledConstraints<Reading> compiled;
    private MessageProcessor processor;
    private JsonNode json;
    private Reading reading;
    private RawLine line;
    private List<Reading> rows;

    @Setup
    public void setUp() {
        CollectorConfig config = CollectorConfig.defaults();
        validator = Validators.create();
        compiled = CompiledConstraints.of(validator, Reading.class);
        processor = MessagePath.processor(config, validator, SensorRegistry.load(Path.of("config/sensors.json"), validator));
        decoder = new PayloadDecoder(config.maxPayloadBytes());
        receivedAt = Instant.now();
        payload = ("{\"sensor_id\":\"Sensor 1\",\"type\":\"temperature\",\"value\":21.37,\"unit\":\"C\","
                + "\"location\":{\"lat\":10.0,\"lng\":10.0},\"timestamp\":" + receivedAt.getEpochSecond() + "}")
                .getBytes(StandardCharsets.UTF_8);
        json = decoder.decode(payload).json();
        MappedMessage mapped = processor.process(new RawMessage(receivedAt, TOPIC, 1, false, json, null));
        if (mapped.readings().size() != 1 || !mapped.rejections().isEmpty()) {
            throw new IllegalStateException("the benchmark message should make one reading: " + mapped);
        }
        reading = mapped.readings().get(0);
        line = RawLineCodec.encode(receivedAt, TOPIC, 1, payload, true, null);
        rows = new ArrayList<>();
        for (int i = 0; i < ROWS; i++) {
            rows.add(reading);
        }
    }

    @Benchmark
    public PayloadDecoder.Decoded decode() {
        return decoder.decode(payload);
    }

    @Benchmark
    public MappedMessage mapAndValidate() {
        return processor.process(new RawMessage(receivedAt, TOPIC, 1, false, json, null));
    }

    @Benchmark
    public Set<ConstraintViolation<Reading>> validateOnly() {
        return validator.validate(reading);
    }

    /** The same constraints compiled (what MessageProcessor runs); validateOnly is Hibernate Validator itself. */
    @Benchmark
    public List<String> validateCompiled() {
        return compiled.violations(reading);
    }

    @Benchmark
    public long rawLine() {
        RawLine l = RawLineCodec.encode(receivedAt, TOPIC, 1, payload, true, null);
        return RawLineCodec.identity(l.bytes(), 0, l.bytes().length);
    }

    /** The plain path: the payload read by the streaming parser, mapped and validated without a tree. */
    @Benchmark
    public MappedMessage plainDecodeMapAndValidate() {
        return processor.processPlain(decoder.plain(payload), TOPIC, receivedAt);
    }

    /** What intake does with the message (it takes the plain path). */
    @Benchmark
    public long intake() {
        MappedMessage m = processor.processPlain(decoder.plain(payload), TOPIC, receivedAt);
        RawLine l = RawLineCodec.encode(receivedAt, TOPIC, 1, payload, true, null);
        return RawLineCodec.identity(l.bytes(), 0, l.bytes().length) + m.readings().size();
    }

    /** Intake through the payload's tree, as for payloads the plain path leaves to it. */
    @Benchmark
    public long intakeTree() {
        PayloadDecoder.Decoded d = decoder.decode(payload);
        MappedMessage m = processor.process(new RawMessage(receivedAt, TOPIC, 1, false, d.json(), d.error()));
        RawLine l = RawLineCodec.encode(receivedAt, TOPIC, 1, payload, d.json() != null, null);
        return RawLineCodec.identity(l.bytes(), 0, l.bytes().length) + m.readings().size();
    }

    @Benchmark
    public MappedMessage readBack() throws IOException {
        return processor.process(RawLineCodec.decode(line.bytes(), 0, line.bytes().length - 1));
    }

    @Benchmark
    @OperationsPerInvocation(ROWS)
    public byte[] copyEncode() {
        return CopyBinary.readings(rows);
    }
}
