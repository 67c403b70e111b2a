package io.edgecollector.collector.rawlog;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading blocks of whole lines gives the lines one at a time would, plain or gzipped. */
class RawLineReaderTest {

    static byte[] text() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < 5_000; i++) {
            String line = i == 1234 ? "x".repeat(3_000) : "{\"line\":" + i + ",\"pad\":\"" + "p".repeat(i % 50) + "\"}";
            out.writeBytes((line + "\n").getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes("{\"torn".getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    static List<String> byLine(Path file, long limit, int[] torn) throws Exception {
        List<String> lines = new ArrayList<>();
        torn[0] = RawLineReader.read(file, limit, (b, off, len) -> lines.add(new String(b, off, len, StandardCharsets.UTF_8)));
        return lines;
    }

    static List<String> byChunk(Path file, long limit, int chunk, int[] torn) throws Exception {
        List<String> lines = new ArrayList<>();
        torn[0] = RawLineReader.readChunks(file, limit, chunk, (b, len) -> {
            assertEquals('\n', b[len - 1], "a block ends with a whole line");
            int start = 0;
            for (int i = 0; i < len; i++) {
                if (b[i] == '\n') {
                    lines.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                    start = i + 1;
                }
            }
        });
        return lines;
    }

    @Test
    void blocksHoldTheSameLines_asLineByLine_plainAndGzipped_withLinesLongerThanABlock(@TempDir Path dir) throws Exception {
        byte[] text = text();
        Path plain = dir.resolve("raw_20261202.jsonl");
        Files.write(plain, text);
        Path gz = dir.resolve("raw_20261201.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
            out.write(text);
        }
        for (Path f : List.of(plain, gz)) {
            for (long limit : new long[] {Long.MAX_VALUE, 100_000}) {
                int[] t1 = new int[1];
                int[] t2 = new int[1];
                List<String> expected = byLine(f, limit, t1);
                for (int chunk : new int[] {1 << 10, 4_099, 1 << 19}) {
                    assertEquals(expected, byChunk(f, limit, chunk, t2), f + " limit " + limit + " chunk " + chunk);
                    assertEquals(t1[0], t2[0], "the torn tail");
                }
            }
            int[] torn = new int[1];
            assertEquals(5_000, byChunk(f, Long.MAX_VALUE, 1 << 10, torn).size());
            assertEquals(6, torn[0]);
        }
    }
}
