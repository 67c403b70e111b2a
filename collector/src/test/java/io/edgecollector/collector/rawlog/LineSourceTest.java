package io.edgecollector.collector.rawlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.edgecollector.collector.MessagePath;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.parse.Processed;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LineSourceTest {
    static final MessageProcessor PROCESSOR = MessagePath.processor(CollectorConfig.defaults(), Validators.create(),
            SensorRegistry.load(null, Validators.create()));

    static String line(int i) {
        return "{\"received_at\":\"2026-11-22T10:00:0" + i + "Z\",\"topic\":\"devices/s-" + i + "\",\"qos\":1,"
                + "\"payload\":{\"sensor_id\":\"s-" + i + "\",\"ts\":1795341600,\"value\":" + i + "}}\n";
    }

    @Test
    void fromTheFile_wholeLinesAreProcessed_andATornLineIsATornRecord(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("raw_20261122.jsonl");
        String torn = "{\"received_at\":\"2026-11-22T10:00:01Z\",\"topic\":\"a\",\"pay\n";
        Files.writeString(file, line(0) + torn + line(2), StandardCharsets.UTF_8);
        LineSource.Lines lines = LineSource.filesOnly(PROCESSOR).read(file, 0, 1 << 20, 100);
        assertEquals(3, lines.chunk().lines().size());
        LineSource.Whole first = assertInstanceOf(LineSource.Whole.class, lines.record(0));
        assertEquals("s-0", first.processed().result().readings().get(0).sensorId());
        assertEquals("value", first.processed().result().readings().get(0).metric(), "the default metric");
        assertInstanceOf(LineSource.Torn.class, lines.record(1));
        assertInstanceOf(LineSource.Whole.class, lines.record(2));
    }

    @Test
    void handedOverLines_startingAtTheCheckpoint_carryWhatIntakeMadeOfThem(@TempDir Path dir) throws Exception {
        HandedLines handed = new HandedLines();
        List<Written> written = HandedLinesTest.append(new RawLog(dir, ""), handed, 0, 2);
        Path file = written.get(0).file();
        LineSource source = new LineSource(handed, PROCESSOR);
        LineSource.Lines lines = source.read(file, 0, 1 << 20, 100);
        Processed intake = written.get(0).processed().get(0);
        assertSame(intake, assertInstanceOf(LineSource.Whole.class, lines.record(0)).processed());
        assertEquals(new String(Files.readAllBytes(file), StandardCharsets.UTF_8),
                new String(lines.chunk().buffer(), 0, (int) (lines.chunk().endOffset() - lines.chunk().startOffset()),
                        StandardCharsets.UTF_8), "the same bytes as the file");
    }
}
