package io.edgecollector.collector.history;

import io.edgecollector.collector.postgres.CommitOrder;
import io.edgecollector.collector.postgres.RawFileLoader;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import java.util.function.LongConsumer;

/**
 * Loads what the writer has made durable, on loader threads of their own, at most AHEAD parts
 * behind: parsing and loading overlap. With two loaders (the import's usual case) each takes the
 * next part and loads it on its own connection, the two transactions in PostgreSQL at once and
 * committing in the file's order ({@link CommitOrder}): one backend's COPY and index work was
 * the import's critical path. A failure ends the import with its cause.
 */
final class ImportLoader {
    /** A part of the raw file, whole lines, made durable by the writer. */
    private record Part(long from, long to, int lines) {
    }

    private static final Part END = new Part(-1, -1, 0);
    /** Parts written ahead of the loaders at most: the writer waits beyond. */
    private static final int AHEAD = 2;

    private final BlockingQueue<Part> parts = new ArrayBlockingQueue<>(AHEAD);
    private final List<Thread> threads = new ArrayList<>();
    private final CommitOrder order;
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final LongAdder newRows = new LongAdder();
    private final LongAdder loadNanos = new LongAdder();
    private final LongConsumer linesDone;
    private long written;
    private long waitNanos;

    /** Time spent loading (the database's part), summed over the loaders, once finished. */
    long loadNanos() {
        return loadNanos.sum();
    }

    /** Time the writer waited for the loaders. */
    long waitNanos() {
        return waitNanos;
    }

    /** Rows that were new in PostgreSQL, once finished. */
    long newRows() {
        return newRows.sum();
    }

    /**
     * loaders loaders from the checkpoint on, each with a RawFileLoader of its own from
     * loaderFor (given the order their transactions commit in).
     */
    ImportLoader(Path raw, Function<CommitOrder, RawFileLoader> loaderFor, int loaders, long checkpoint,
                 LongConsumer linesDone) {
        this.order = new CommitOrder(checkpoint);
        this.linesDone = linesDone;
        this.written = checkpoint;
        for (int i = 0; i < loaders; i++) {
            RawFileLoader loader = loaderFor.apply(order);
            Thread t = new Thread(() -> {
                try {
                    for (Part p = parts.take(); p != END; p = parts.take()) {
                        long start = System.nanoTime();
                        RawFileLoader.Result r = loader.load(raw, p.from(), p.to(), () -> false, bytes -> { });
                        order.passOver(r.endOffset(), p.to()); // a part that ended in lines with nothing to load
                        loadNanos.add(System.nanoTime() - start);
                        newRows.add(r.inserted());
                        linesDone.accept(p.lines());
                    }
                    parts.put(END); // for the next loader
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (IOException | SQLException | RuntimeException e) {
                    failure.compareAndSet(null, e);
                    order.fail(String.valueOf(e.getMessage()));
                    parts.clear();
                }
            }, "collector-import-loader-" + (i + 1));
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    /** The file is durable up to end (a line boundary); waits while the loader is AHEAD chunks behind. */
    void durableUpTo(long end, int lines) {
        if (end > written) {
            offer(new Part(written, end, lines));
            written = end;
        } else {
            linesDone.accept(lines); // written and loaded by an earlier run cut short
        }
    }

    private void offer(Part part) {
        rethrow();
        long start = System.nanoTime();
        try {
            while (!parts.offer(part, 100, TimeUnit.MILLISECONDS)) {
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
            for (Thread t : threads) {
                t.join();
            }
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
        threads.forEach(Thread::interrupt);
    }
}
