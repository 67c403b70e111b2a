package io.edgecollector.collector.postgres;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;

/**
 * What of the raw files is not yet in PostgreSQL: bytes, and whole lines (messages). Lines are
 * counted as they appear, each byte once (new bytes are fresh in the page cache), and taken off
 * as the loader commits them, so the count stays cheap however long the database is away.
 * Until a file's checkpoint is known (the database has not answered since start) the whole file
 * counts: an upper bound.
 */
public final class Backlog {
    private static final int READ_BYTES = 64 * 1024;

    /** One file: loaded up to offset; lines counted in [offset, countedEnd). */
    private static final class FileState {
        long offset;
        long countedEnd;
        long lines;
        long size;
    }

    private final Map<String, FileState> files = new HashMap<>();
    private final ByteBuffer buffer = ByteBuffer.allocate(READ_BYTES);
    private volatile long bytes;
    private volatile long lines;

    /** The file's checkpoint as read from the database: counting starts again from there. */
    public synchronized void checkpointKnown(String name, long offset) {
        FileState f = state(name);
        f.offset = offset;
        f.countedEnd = offset;
        f.lines = 0;
    }

    /** The loader committed lines up to newOffset. */
    public synchronized void loaded(String name, long newOffset, long loadedLines) {
        FileState f = state(name);
        if (newOffset <= f.countedEnd) {
            f.lines = Math.max(0, f.lines - loadedLines);
        } else {
            f.countedEnd = newOffset;
            f.lines = 0;
        }
        f.offset = newOffset;
    }

    /** Counts the whole lines the file gained since last seen and updates the totals. */
    public synchronized void observe(Path file, long size) throws IOException {
        FileState f = state(file.getFileName().toString());
        f.size = size;
        if (size > f.countedEnd) {
            long[] counted = countLines(file, f.countedEnd, size);
            f.lines += counted[0];
            f.countedEnd = counted[1];
        }
        long b = 0;
        long l = 0;
        for (FileState s : files.values()) {
            b += Math.max(0, s.size - s.offset);
            l += s.lines;
        }
        bytes = b;
        lines = l;
    }

    public long bytes() {
        return bytes;
    }

    public long lines() {
        return lines;
    }

    private FileState state(String name) {
        return files.computeIfAbsent(name, n -> new FileState());
    }

    /** Newlines in [from, to) and the offset just past the last one (from when there is none). */
    private long[] countLines(Path file, long from, long to) throws IOException {
        long count = 0;
        long end = from;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long pos = from;
            while (pos < to) {
                buffer.clear();
                buffer.limit((int) Math.min(READ_BYTES, to - pos));
                int n = ch.read(buffer, pos);
                if (n <= 0) {
                    break;
                }
                byte[] a = buffer.array();
                for (int i = 0; i < n; i++) {
                    if (a[i] == '\n') {
                        count++;
                        end = pos + i + 1;
                    }
                }
                pos += n;
            }
        }
        return new long[] {count, end};
    }
}
