package io.edgecollector.collector.rawlog;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPInputStream;

/** Reads a raw file (or its .jsonl.gz) from the start, a line at a time, without copying lines. */
public final class RawLineReader {
    /** Receives each line: the buffer, where the line starts, and its length without the newline. */
    public interface LineHandler {
        void line(byte[] buffer, int offset, int length) throws IOException;
    }

    private RawLineReader() {
    }

    /**
     * Feeds every line that ends in a newline to the handler.
     * @return the bytes at the end that do not end in a newline (a line torn by a crash), or 0
     */
    public static int read(Path file, LineHandler handler) throws IOException {
        return read(file, Long.MAX_VALUE, handler);
    }

    /**
     * As above, but only the first limit bytes (of the uncompressed text): a file another process
     * may still append to is read as far as it was when looked at.
     */
    public static int read(Path file, long limit, LineHandler handler) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = RawFiles.isCompressed(file) ? new GZIPInputStream(raw, 1 << 16) : raw) {
            byte[] buf = new byte[1 << 20];
            int filled = 0;
            long left = limit;
            while (true) {
                int n = left <= 0 ? -1 : in.read(buf, filled, (int) Math.min(buf.length - filled, left));
                if (n > 0) {
                    left -= n;
                }
                if (n < 0) {
                    return filled;
                }
                filled += n;
                int start = 0;
                for (int i = 0; i < filled; i++) {
                    if (buf[i] == '\n') {
                        handler.line(buf, start, i - start);
                        start = i + 1;
                    }
                }
                System.arraycopy(buf, start, buf, 0, filled - start);
                filled -= start;
                if (filled == buf.length) {
                    buf = Arrays.copyOf(buf, buf.length * 2);
                }
            }
        }
    }

    /** Receives a block of whole lines: buffer[0, length) ends in a newline; the buffer is the handler's from then on. */
    public interface ChunkHandler {
        void chunk(byte[] buffer, int length) throws IOException;
    }

    /**
     * As {@link #read(Path, long, LineHandler)}, but hands over blocks of about chunkBytes of whole
     * lines (each block a fresh array, so the handler may pass it to another thread) instead of
     * single lines: finding the lines is left to whoever processes the block.
     * @return the bytes at the end that do not end in a newline (a line torn by a crash), or 0
     */
    public static int readChunks(Path file, long limit, int chunkBytes, ChunkHandler handler) throws IOException {
        try (InputStream raw = Files.newInputStream(file);
             InputStream in = RawFiles.isCompressed(file) ? new GZIPInputStream(raw, 1 << 16) : raw) {
            byte[] buf = new byte[chunkBytes];
            int filled = 0;
            long left = limit;
            boolean end = false;
            while (!end) {
                while (filled < buf.length) {
                    int n = left <= 0 ? -1 : in.read(buf, filled, (int) Math.min(buf.length - filled, left));
                    if (n < 0) {
                        end = true;
                        break;
                    }
                    left -= n;
                    filled += n;
                }
                int last = filled - 1;
                while (last >= 0 && buf[last] != '\n') {
                    last--;
                }
                if (last < 0) {
                    if (end) {
                        return filled;
                    }
                    buf = Arrays.copyOf(buf, buf.length * 2); // one line longer than the block
                    continue;
                }
                int whole = last + 1;
                byte[] next = new byte[Math.max(chunkBytes, filled - whole)];
                System.arraycopy(buf, whole, next, 0, filled - whole);
                handler.chunk(buf, whole);
                buf = next;
                filled -= whole;
            }
            return filled;
        }
    }
}
