package io.edgecollector.collector.rawlog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawLogTest {
    static RawLine line(String at, String topic) {
        return RawLineCodec.encode(Instant.parse(at), topic, 1, "1".getBytes(StandardCharsets.UTF_8), true, null);
    }

    @Test
    void append_splitsLinesByUtcDayOfReceipt(@TempDir Path dir) throws Exception {
        try (RawLog log = new RawLog(dir, "")) {
            log.append(List.of(line("2026-11-22T23:59:59Z", "a"), line("2026-11-23T00:00:00Z", "b")));
            log.append(List.of(line("2026-11-23T00:00:01Z", "c")));
        }
        assertEquals(1, Files.readAllLines(dir.resolve("raw_20261122.jsonl")).size());
        assertEquals(2, Files.readAllLines(dir.resolve("raw_20261123.jsonl")).size());
    }

    @Test
    void instanceId_namesItsOwnFiles(@TempDir Path dir) throws Exception {
        try (RawLog log = new RawLog(dir, "edge-2")) {
            log.append(List.of(line("2026-11-22T10:00:00Z", "a")));
        }
        assertEquals(List.of(dir.resolve("raw_20261122_edge-2.jsonl")), RawFiles.list(dir, "edge-2"));
        assertEquals(List.of(), RawFiles.list(dir, ""));
        assertEquals("edge-2", RawFiles.instanceOf(dir.resolve("raw_20261122_edge-2.jsonl")));
    }

    @Test
    void tornTailFromACrash_isClosedBeforeNewLines(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("raw_20261122.jsonl");
        Files.writeString(file, "{\"received_at\":\"2026-11-22T10:00:00Z\",\"topic\":\"a\",\"qos\":1,\"payload\":1}\n{\"recei");
        try (RawLog log = new RawLog(dir, "")) {
            log.append(List.of(line("2026-11-22T10:00:01Z", "b")));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(3, lines.size());
        assertEquals("{\"recei", lines.get(1));
        assertEquals(new String(line("2026-11-22T10:00:01Z", "b").bytes(), StandardCharsets.UTF_8).strip(), lines.get(2));
    }
}
