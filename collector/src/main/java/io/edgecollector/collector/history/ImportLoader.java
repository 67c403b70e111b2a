package io.edgecollector.collector.history;

import io.edgecollector.collector.postgres.RawFileLoader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Loads what the writer has made durable, on its own thread, at most AHEAD chunks
 * behind: parsing and loading overlap. A failure ends the import with its cause.
 */
final class ImportLoader {
    private record Chunk(long end, int lines) {
    }

    private static final Chunk END = new Chunk(-1, 0);
    /** Chunks written ahead of the loader at most: the writer waits beyond (parsing and loading overlap on two cores). */
    private static final int AHEAD = 2;

    private final BlockingQueue<Chunk> chunks = new ArrayBlockingQueue<>(AHEAD);
    private final Thread thread;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private volatile long newRows;
    private volatile long loadNanos;
    private long waitNanos;

    /** Time spent loading (the database's part), once finished. */
    long loadNanos() {
        return loadNanos;
    }

    /** Time the writer waited for the loader. */
    long waitNanos() {
        return waitNanos;
    }

    /** Rows that were new in PostgreSQL, once finished. */
    long newRows() {
        return newRows;
    }

    ImportLoader(Path raw, RawFileLoader loader, long checkpoint, LongConsumer linesDone) {
        this.thread = new Thread(() -> {
            long offset = checkpoint;
            try {
                boolean ended = false;
                while (!ended) {
                    // everything made durable since the last load, in as few transactions as RawFileLoader allows
                    Chunk c = chunks.take();
                    long end = -1;
                    int lines = 0;
                    for (; c != null; c = chunks.poll()) {
                        if (c == END) {
                            ended = true;
                            break;
                        }
                        end = c.end();
                        lines += c.lines();
                    }
                    if (end >= 0) {
                        long start = System.nanoTime();
                        RawFileLoader.Result r = loader.load(raw, offset, end, () -> false, bytes -> { });
                        loadNanos += System.nanoTime() - start;
                        offset = r.endOffset();
                        newRows += r.inserted();
                        linesDone.accept(lines);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (IOException | SQLException | RuntimeException e) {
                failure.set(e);
                chunks.clear();
            }
        }, "collector-import-loader");
        thread.start();
    }

    /** The file is durable up to end (a line boundary); waits while the loader is AHEAD chunks behind. */
    void durableUpTo(long end, int lines) {
        offer(new Chunk(end, lines));
    }

    private void offer(Chunk chunk) {
        rethrow();
        long start = System.nanoTime();
        try {
            while (!chunks.offer(chunk, 100, TimeUnit.MILLISECONDS)) {
                rethrow();
            }
            waitNanos += System.nanoTime() - start;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UncheckedIOException(new InterruptedIOException("import interrupted"));
        }
    }

    /** Waits until everything written is loaded. */
    void finish() throws IOException, SQLException {
        offer(END);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("import interrupted");
        }
        Exception e = failure.get();
        if (e instanceof SQLException sql) {
            throw sql;
        }
        if (e instanceof IOException io) {
            throw io;
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
    }

    private void rethrow() {
        Exception e = failure.get();
        if (e instanceof SQLException sql) {
            throw new HistoryImport.UncheckedSqlException(sql);
        }
        if (e instanceof IOException io) {
            throw new UncheckedIOException(io);
        }
        if (e instanceof RuntimeException re) {
            throw re;
        }
    }

    /** Ends the thread when the import ends early. */
    void stop() {
        thread.interrupt();
    }
}
