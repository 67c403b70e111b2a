package io.edgecollector.collector.rawlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** The last lines of this instance's newest raw file: what the broker may deliver again after a restart. */
public final class RawTail {
    private static final int MAX_BYTES = 8 * 1024 * 1024;

    private RawTail() {
    }

    /**
     * Identities of the last whole lines: at least minLines of them, and further back every line
     * received within window of the newest, up to maxLines (what a broker may deliver again after
     * a crash: its in-flight window, and what was acknowledged in the connection's last moments,
     * whose acknowledgements a kill can lose unread).
     */
    public static List<Long> identities(Path dir, String instanceId, int minLines, Duration window, int maxLines) {
        List<Path> files = RawFiles.list(dir, instanceId);
        if (files.isEmpty()) {
            return List.of();
        }
        Path newest = files.get(files.size() - 1);
        try (FileChannel ch = FileChannel.open(newest, StandardOpenOption.READ)) {
            long size = ch.size();
            int length = (int) Math.min(size, MAX_BYTES);
            ByteBuffer buf = ByteBuffer.allocate(length);
            while (buf.hasRemaining() && ch.read(buf, size - length + buf.position()) > 0) {
                // read the tail fully
            }
            byte[] bytes = buf.array();
            List<Long> out = new ArrayList<>();
            Instant from = null;
            int end = bytes.length;
            for (int i = bytes.length - 1; i >= -1 && out.size() < maxLines; i--) {
                if (i == -1 || bytes[i] == '\n') {
                    boolean whole = i >= 0 || length == size;
                    if (end - (i + 1) > 0 && whole) {
                        Instant at = receivedAt(bytes, i + 1, end);
                        if (from == null && at != null) {
                            from = at.minus(window);
                        }
                        if (out.size() >= minLines && (at == null || from == null || at.isBefore(from))) {
                            break;
                        }
                        out.add(RawLineCodec.identity(bytes, i + 1, end - (i + 1)));
                    }
                    end = i;
                }
            }
            java.util.Collections.reverse(out); // oldest first
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tail of " + newest, e);
        }
    }

    /** A raw line's received_at (its first field, as intake writes it), or null. */
    private static Instant receivedAt(byte[] b, int start, int end) {
        int at = start + PREFIX.length;
        if (end - start < PREFIX.length + 20 || !java.util.Arrays.equals(b, start, at, PREFIX, 0, PREFIX.length)) {
            return null;
        }
        int close = at;
        while (close < end && b[close] != '"') {
            close++;
        }
        try {
            return RawLineCodec.parseInstant(new String(b, at, close - at, StandardCharsets.US_ASCII));
        } catch (DateTimeException e) {
            return null;
        }
    }

    private static final byte[] PREFIX = "{\"received_at\":\"".getBytes(StandardCharsets.US_ASCII);
}
