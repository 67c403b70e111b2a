package io.edgecollector.collector.history;

import io.edgecollector.collector.parse.PayloadDecoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import io.edgecollector.collector.rawlog.RawLineReader;

/**
 * Reads a JSONL file: each line is a message in any accepted shape (the same as an MQTT
 * payload). A line that is not JSON, or not UTF-8, is an error naming the line.
 */
final class JsonlSource {
    private final PayloadDecoder decoder;

    JsonlSource(int maxPayloadBytes) {
        this.decoder = new PayloadDecoder(maxPayloadBytes);
    }

    void read(Path file, Consumer<SourceLine> out) throws IOException {
        long[] number = {0};
        RawLineReader.LineHandler handler = (buf, off, len) -> {
            long line = ++number[0];
            int start = off;
            int length = len;
            if (line == 1 && len >= 3 && (buf[off] & 0xFF) == 0xEF && (buf[off + 1] & 0xFF) == 0xBB && (buf[off + 2] & 0xFF) == 0xBF) {
                start += 3;
                length -= 3;
            }
            if (length > 0 && buf[start + length - 1] == '\r') {
                length--;
            }
            byte[] bytes = java.util.Arrays.copyOfRange(buf, start, start + length);
            String text = new String(bytes, StandardCharsets.UTF_8);
            if (text.isBlank()) {
                return;
            }
            PayloadDecoder.Decoded d = decoder.decode(bytes);
            out.accept(d.json() != null ? new SourceLine(line, text, d.json(), List.of())
                    : SourceLine.bad(line, text, d.error()));
        };
        int tail = RawLineReader.read(file, handler);
        if (tail > 0) {
            byte[] all = Files.readAllBytes(file);
            handler.line(all, all.length - tail, tail);
        }
    }
}
