package io.edgecollector.collector.rawlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Whole lines read from a raw file starting at a byte offset. Only lines that end in a newline
 * are taken, so a line still being written is left for next time.
 */
public record RawChunk(byte[] buffer, List<Line> lines, long startOffset, long endOffset) {
    /** One line: where it starts in the file and in the buffer, and its length without the newline. */
    public record Line(long fileOffset, int start, int length) {
    }

    private static final int MAX_CHUNK = 64 * 1024 * 1024;
    /**
     * The bytes read first are sized for maxLines lines of about this length, not maxBytes: the
     * loader asks for 5,000 lines or 4 MB, and with a backlog behind it a 4 MB buffer per chunk
     * (of which lines of 250 bytes use a third) grew the heap and drew full collections in a drain.
     */
    private static final int LINE_BYTES_EXPECTED = 512;

    /**
     * Reads up to about maxBytes (more if one line is longer) and at most maxLines lines; fewer
     * when they are longer than usual (read on from the chunk's end for the rest).
     */
    public static RawChunk read(Path file, long offset, int maxBytes, int maxLines) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long available = ch.size() - offset;
            int size = (int) Math.min(available, Math.min(maxBytes, (long) maxLines * LINE_BYTES_EXPECTED));
            while (true) {
                ByteBuffer buf = ByteBuffer.allocate(Math.max(size, 0));
                while (buf.hasRemaining() && ch.read(buf, offset + buf.position()) > 0) {
                    // keep reading until the buffer is full or the file ends
                }
                byte[] bytes = buf.array();
                int filled = buf.position();
                List<Line> lines = split(bytes, filled, offset, maxLines);
                boolean lineLongerThanChunk = lines.isEmpty() && filled < available && size < MAX_CHUNK;
                if (!lineLongerThanChunk) {
                    long end = lines.isEmpty() ? offset : lastEnd(lines);
                    return new RawChunk(bytes, lines, offset, end);
                }
                size = (int) Math.min(available, Math.min((long) size * 2, MAX_CHUNK));
            }
        }
    }

    private static List<Line> split(byte[] bytes, int filled, long offset, int maxLines) {
        List<Line> lines = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < filled && lines.size() < maxLines; i++) {
            if (bytes[i] == '\n') {
                lines.add(new Line(offset + start, start, i - start));
                start = i + 1;
            }
        }
        return lines;
    }

    private static long lastEnd(List<Line> lines) {
        Line last = lines.get(lines.size() - 1);
        return last.fileOffset() + last.length() + 1;
    }
}
