package io.edgecollector.collector.kafka;

import io.edgecollector.collector.rawlog.RawLineCodec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * The identities ({@link RawLineCodec#identity}) of the last lines forwarded. A line intake
 * marked "dup" (the broker delivering again what it had sent before a crash or reconnect) is
 * forwarded only when no identical line is among them: when the first copy reached the raw file,
 * Kafka already has its records; when it never did (lost in flight), this copy is the only one.
 * PostgreSQL absorbs such copies by key; Kafka has no key to absorb them, so they are told apart here.
 * The window is as far back as intake marks a message as delivered again
 * ({@code RedeliveryDetector.RECENT_ACKS} lines): the broker's in-flight window, and what was
 * acknowledged in the connection's last moments (a kill can lose those acknowledgements unread).
 */
final class Resends {
    private static final int MAX_SEED_BYTES = 8 * 1024 * 1024;

    private final long[] ring;
    private final Map<Long, Integer> counts = new HashMap<>();
    private int next;
    private int size;

    Resends(int window) {
        this.ring = new long[Math.max(1, window)];
    }

    /** Whether an identical line is among the last ones forwarded. */
    boolean seen(long identity) {
        return counts.containsKey(identity);
    }

    void add(long identity) {
        if (size == ring.length) {
            long old = ring[next];
            counts.computeIfPresent(old, (k, n) -> n == 1 ? null : n - 1);
        } else {
            size++;
        }
        ring[next] = identity;
        counts.merge(identity, 1, Integer::sum);
        next = (next + 1) % ring.length;
    }

    void clear() {
        counts.clear();
        next = 0;
        size = 0;
    }

    /** After a (re)start: the window filled from the whole lines of the file just before the checkpoint. */
    void seed(Path file, long checkpoint) throws IOException {
        clear();
        if (checkpoint <= 0) {
            return;
        }
        int length = (int) Math.min(checkpoint, MAX_SEED_BYTES);
        long from = checkpoint - length;
        ByteBuffer buf = ByteBuffer.allocate(length);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (buf.hasRemaining() && ch.read(buf, from + buf.position()) > 0) {
                // read the region fully
            }
        }
        byte[] b = buf.array();
        int start = 0;
        if (from > 0) {
            while (start < buf.position() && b[start] != '\n') {
                start++;
            }
            start++;
        }
        int lines = 0;
        for (int i = buf.position() - 1; i >= start; i--) {
            if (b[i] == '\n' && ++lines > ring.length) {
                start = i + 1;
                break;
            }
        }
        for (int i = start; i < buf.position(); i++) {
            if (b[i] == '\n') {
                add(RawLineCodec.identity(b, start, i - start));
                start = i + 1;
            }
        }
    }
}
