package io.edgecollector.collector.rawlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/** The last lines of this instance's newest raw file: what the broker may deliver again after a restart. */
public final class RawTail {
    private static final int MAX_BYTES = 8 * 1024 * 1024;

    private RawTail() {
    }

    /** Identities ({@link RawLineCodec#identity}) of up to maxLines last whole lines. */
    public static List<Long> identities(Path dir, String instanceId, int maxLines) {
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
            int end = bytes.length;
            for (int i = bytes.length - 1; i >= -1 && out.size() < maxLines; i--) {
                if (i == -1 || bytes[i] == '\n') {
                    boolean whole = i >= 0 || length == size;
                    if (end - (i + 1) > 0 && whole) {
                        out.add(0, RawLineCodec.identity(bytes, i + 1, end - (i + 1)));
                    }
                    end = i;
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the tail of " + newest, e);
        }
    }
}
