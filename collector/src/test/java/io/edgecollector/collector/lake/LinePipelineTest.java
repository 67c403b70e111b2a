package io.edgecollector.collector.lake;

import static io.edgecollector.collector.lake.DayCompactorTest.PROCESSOR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.ReadingMapper;
import io.edgecollector.collector.parse.TopicTemplate;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.QualityRules;
import io.edgecollector.collector.validate.SensorRegistry;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Compaction's line pipeline: the results of one thread, in file order, from several. */
class LinePipelineTest {
    static final MessageProcessor INTAKE_CHECKED = new MessageProcessor(
            new ReadingMapper(TopicTemplate.of("sensors/{sensor_id}/{metric}"), "value"), AlreadyValidated.INSTANCE,
            SensorRegistry.empty(), new QualityRules(List.of(), Duration.ofDays(3650), Duration.ofDays(3650)));

    static byte[] line(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void onlyALineWithAJsonPayloadAndNoErrorField_countsAsCheckedAtIntake() {
        Instant at = Instant.parse("2026-12-02T10:00:00Z");
        byte[] clean = RawLineCodec.encode(at, "t", 1, line("{\"value\":1}"), true, null).bytes();
        byte[] rejected = RawLineCodec.encode(at, "t", 1, line("{\"value\":1}"), true, "value: too big").bytes();
        byte[] string = RawLineCodec.encode(at, "t", 1, line("\"text\""), true, null).bytes();
        byte[] number = RawLineCodec.encode(at, "t", 1, line("17"), true, null).bytes();
        assertTrue(LinePipeline.checkedAtIntake(clean, 0, clean.length - 1));
        assertTrue(LinePipeline.checkedAtIntake(number, 0, number.length - 1));
        assertFalse(LinePipeline.checkedAtIntake(rejected, 0, rejected.length - 1));
        assertFalse(LinePipeline.checkedAtIntake(string, 0, string.length - 1), "a JSON string payload: validated again");
    }

    @Test
    void severalWorkers_giveWhatOneThreadGives_inFileOrder_andALineWithAnErrorIsValidatedAgain(@TempDir Path dir)
            throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Instant at = Instant.parse("2026-12-02T10:00:00Z");
        for (int i = 0; i < 3 * LinePipeline.BATCH_LINES + 17; i++) {
            String payload = i % 97 == 0
                    ? "{\"sensor_id\":\"bad\\u0001id\",\"type\":\"t\",\"value\":1,\"ts\":1764669600}"
                    : "{\"sensor_id\":\"s" + i % 13 + "\",\"type\":\"t\",\"value\":" + i + ",\"ts\":" + (1764669600 + i) + "}";
            String error = i % 97 == 0 ? "t: sensor_id contains control characters" : null;
            out.writeBytes(RawLineCodec.encode(at, "sensors/x/t", 1, line(payload), true, error).bytes());
            if (i == 5000) {
                out.writeBytes(line("{\"received_at\":\"2026-12-02T10:00:00Z\",\"topic\":\"x\",\"pay\n"));
            }
        }
        out.writeBytes(line("{\"received_at\":\"2026"));
        Path file = dir.resolve("raw_20261202.jsonl");
        Files.write(file, out.toByteArray());

        List<String> one = results(file, 0);
        List<String> two = results(file, 2);
        assertEquals(3 * LinePipeline.BATCH_LINES + 18, one.size(), "every whole line, the torn tail apart");
        assertEquals(one, two);
        assertEquals("torn", one.get(5001));
        assertTrue(one.get(0).startsWith("0@0 [] [t: sensor_id contains control characters]"), one.get(0));
        assertTrue(one.get(1).startsWith("1@"), one.get(1));
        byte[] bytes = out.toByteArray();
        List<Long> starts = new ArrayList<>(List.of(0L));
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                starts.add(i + 1L);
            }
        }
        for (int i = 0; i < one.size(); i++) {
            if (!one.get(i).equals("torn")) {
                assertTrue(one.get(i).startsWith(i + "@" + starts.get(i) + " "), "line " + i + " at its offset in the file: " + one.get(i));
            }
        }
    }

    static List<String> results(Path file, int threads) throws Exception {
        List<String> seen = new ArrayList<>();
        try (LinePipeline p = new LinePipeline(PROCESSOR, INTAKE_CHECKED, threads)) {
            int torn = p.read(file, Long.MAX_VALUE, true, (offset, length, mapped) -> seen.add(describe(seen.size(), offset, mapped)));
            assertEquals(20, torn);
        }
        return seen;
    }

    static String describe(int i, long offset, MappedMessage m) {
        return m == null ? "torn" : i + "@" + offset + " " + m.readings().stream().map(r -> r.sensorId() + "=" + r.value()
                + ":" + r.quality()).toList() + " " + m.rejections();
    }

    @Test
    void nextNewline_findsTheFirstNewline_asAByteAtATimeDoes() {
        java.util.Random random = new java.util.Random(10);
        byte[] alphabet = {'\n', 0x0B, 0x00, 0x01, 0x09, 'a', (byte) 0xFF, (byte) 0x8A, (byte) 0x80, '}'};
        for (int round = 0; round < 20_000; round++) {
            byte[] b = new byte[1 + random.nextInt(40)];
            for (int i = 0; i < b.length; i++) {
                b[i] = random.nextInt(4) == 0 ? alphabet[random.nextInt(alphabet.length)] : (byte) random.nextInt(256);
            }
            int from = random.nextInt(b.length + 1);
            int to = from + random.nextInt(b.length - from + 1);
            int expected = -1;
            for (int i = from; i < to; i++) {
                if (b[i] == '\n') {
                    expected = i;
                    break;
                }
            }
            org.junit.jupiter.api.Assertions.assertEquals(expected, LinePipeline.nextNewline(b, from, to),
                    java.util.Arrays.toString(b) + " from " + from + " to " + to);
        }
    }
}
