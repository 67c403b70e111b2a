package io.edgecollector.collector.rawlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawChunkTest {
    @Test
    void aChunkOfManyShortLines_takesABufferForThoseLines_notMaxBytes(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("raw_20261203.jsonl");
        Files.writeString(file, ("x".repeat(99) + "\n").repeat(20_000));
        RawChunk chunk = RawChunk.read(file, 0, 4 * 1024 * 1024, 5_000);
        assertEquals(5_000, chunk.lines().size());
        assertEquals(500_000, chunk.endOffset());
        assertTrue(chunk.buffer().length <= 5_000 * 512, "buffer of " + chunk.buffer().length + " bytes");
    }

    @Test
    void longLines_comeInSeveralChunks_andALineLongerThanTheFirstBufferStillComesWhole(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("raw_20261203.jsonl");
        String line = "y".repeat(1_999) + "\n";
        Files.writeString(file, line.repeat(50) + "z".repeat(100_000) + "\n");
        long offset = 0;
        int lines = 0;
        int chunks = 0;
        while (true) {
            RawChunk chunk = RawChunk.read(file, offset, 4 * 1024 * 1024, 10);
            if (chunk.lines().isEmpty()) {
                break;
            }
            chunks++;
            lines += chunk.lines().size();
            offset = chunk.endOffset();
        }
        assertEquals(51, lines);
        assertEquals(Files.size(file), offset);
        assertTrue(chunks > 6, chunks + " chunks");
    }
}
