package io.edgecollector.collector.sparkplug;

import io.edgecollector.collector.MessagePath;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import io.edgecollector.simulator.sparkplug.SparkplugEdgeNode;
import io.edgecollector.simulator.sparkplug.SparkplugPayloads;
import jakarta.validation.Validator;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.tahu.protobuf.SparkplugBProto;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One Sparkplug B DDATA of 10 alias-only metrics (Double, UInt64, Int32, Boolean, Float, Int16,
 * UInt32, Int64...), as the loader reads it back from a raw file whose births came before it:
 * {@code sparkplugDecode} the protobuf parse alone; {@code sparkplugDdata10} decode, alias
 * lookup at the line's position, typed values, validation and quality flags (10 readings).
 * Target (issue 14): at most 10 us per message. Run: bench/hotpaths.sh sparkplug
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx128m", "-XX:+UseSerialGC"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class SparkplugHotPath {
    private Path dir;
    private Path file;
    private MessageProcessor processor;
    private RawMessage ddata;
    private long offset;
    private int length;

    @Setup
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("spb-bench");
        Validator validator = Validators.create();
        CollectorConfig config = CollectorConfig.defaults();
        processor = MessagePath.processor(config, validator, SensorRegistry.load(null, validator));
        List<SparkplugPayloads.Def> defs = SparkplugEdgeNode.defs(10);
        long now = System.currentTimeMillis();
        append("spBv1.0/Plant1/NBIRTH/Line1", SparkplugPayloads.birth(now, 0, 1L, List.of(), List.of()));
        append("spBv1.0/Plant1/DBIRTH/Line1/Press", SparkplugPayloads.birth(now, 1, null, defs, values(defs)));
        offset = Files.size(file);
        RawLine line = append("spBv1.0/Plant1/DDATA/Line1/Press", SparkplugPayloads.data(now + 1, 2, defs, values(defs)));
        length = line.bytes().length - 1;
        ddata = RawLineCodec.decode(line.bytes(), 0, length);
        MappedMessage m = sparkplugDdata10();
        if (m.readings().size() != 10 || !m.rejections().isEmpty()) {
            throw new IllegalStateException("the benchmark DDATA should make 10 readings: " + m);
        }
    }

    private static List<Object> values(List<SparkplugPayloads.Def> defs) {
        List<Object> out = new ArrayList<>();
        for (SparkplugPayloads.Def d : defs) {
            out.add(switch (d.type()) {
                case Double -> 1.5;
                case Float -> 21.5f;
                case Int16 -> (short) -12;
                case Int32 -> -123_456;
                case Int64 -> -9_000_000_000L;
                case UInt32 -> 4_000_000_000L;
                case UInt64 -> BigInteger.ONE.shiftLeft(63).add(BigInteger.TEN);
                case Boolean -> true;
                default -> throw new IllegalStateException(d.type().toString());
            });
        }
        return out;
    }

    private RawLine append(String topic, byte[] payload) throws IOException {
        RawLine line = RawLineCodec.encode(Instant.now(), topic, 1, payload, false, null);
        file = dir.resolve(RawFiles.name(line.day(), ""));
        Files.write(file, line.bytes(), StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return line;
    }

    @TearDown
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public SparkplugBProto.Payload sparkplugDecode() throws IOException {
        return SparkplugBProto.Payload.parseFrom(ddata.binary());
    }

    @Benchmark
    public MappedMessage sparkplugDdata10() {
        return processor.process(ddata, file, offset, length);
    }
}
