package io.edgecollector.collector.rawlog;

import io.edgecollector.collector.parse.Processed;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Lines the writer has just made durable, with what intake made of each, held for the loader
 * so that it need not read, decode and validate them a second time (that was most of its
 * work). The raw file stays the source of truth: the loader takes from here only a run that
 * starts exactly at its checkpoint, and anything not held (dropped when the loader fell
 * behind, or written before a restart) it reads from the file, with the same result.
 */
public final class HandedLines {
    /** At most this many lines and this many bytes of them are held; beyond, the oldest are dropped. */
    static final int MAX_LINES = 2_000;
    static final long MAX_BYTES = 4L * 1024 * 1024;

    /** Lines taken: a chunk as the file would give it, and what intake made of each line. */
    public record Taken(RawChunk chunk, List<Processed> processed) {
    }

    private final ArrayDeque<Written> held = new ArrayDeque<>();
    private int lines;
    private long bytes;

    /** Holds newly written lines; drops the oldest held beyond {@link #MAX_LINES} or {@link #MAX_BYTES}. */
    public synchronized void add(Written written) {
        held.addLast(written);
        lines += written.lines().size();
        bytes += written.end() - written.start();
        while (lines > MAX_LINES || bytes > MAX_BYTES) {
            forget(held.removeFirst());
        }
    }

    private void forget(Written w) {
        lines -= w.lines().size();
        bytes -= w.end() - w.start();
    }

    /**
     * At most maxLines held lines of the named raw file starting exactly at offset, and no line
     * beyond maxBytes from it (but always the first), or null when none start there. What lies
     * before offset (already loaded) is dropped.
     */
    public synchronized Taken take(String fileName, long offset, int maxLines, long maxBytes) {
        List<RawLine> taken = new ArrayList<>();
        List<Processed> processed = new ArrayList<>();
        long at = offset;
        Iterator<Written> it = held.iterator();
        while (it.hasNext() && taken.size() < maxLines) {
            Written w = it.next();
            if (!w.file().getFileName().toString().equals(fileName)) {
                continue;
            }
            if (w.end() <= offset) {
                drop(it, w);
                continue;
            }
            if (w.start() > at) {
                break;
            }
            int i = firstLineAt(w, at);
            if (i < 0) {
                drop(it, w);
                break;
            }
            int n = Math.min(w.lines().size() - i, maxLines - taken.size());
            int k = i;
            for (; k < i + n; k++) {
                int length = w.lines().get(k).bytes().length;
                if (at + length - offset > maxBytes && !taken.isEmpty()) {
                    break;
                }
                taken.add(w.lines().get(k));
                processed.add(w.processed().get(k));
                at += length;
            }
            if (k < w.lines().size()) {
                break;
            }
            drop(it, w);
        }
        return taken.isEmpty() ? null : new Taken(chunk(taken, offset, at), processed);
    }

    /** The index of w's line that starts at offset, or -1 when none does. */
    private static int firstLineAt(Written w, long offset) {
        long pos = w.start();
        for (int i = 0; i < w.lines().size(); i++) {
            if (pos == offset) {
                return i;
            }
            pos += w.lines().get(i).bytes().length;
        }
        return -1;
    }

    private void drop(Iterator<Written> it, Written w) {
        it.remove();
        forget(w);
    }

    /** The lines laid out as one buffer, exactly as RawChunk.read would give them from the file. */
    private static RawChunk chunk(List<RawLine> taken, long start, long end) {
        byte[] buffer = new byte[(int) (end - start)];
        List<RawChunk.Line> lines = new ArrayList<>(taken.size());
        int pos = 0;
        for (RawLine l : taken) {
            byte[] b = l.bytes();
            System.arraycopy(b, 0, buffer, pos, b.length);
            lines.add(new RawChunk.Line(start + pos, pos, b.length - 1));
            pos += b.length;
        }
        return new RawChunk(buffer, lines, start, end);
    }
}
