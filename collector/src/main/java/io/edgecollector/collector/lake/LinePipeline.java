package io.edgecollector.collector.lake;

import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.rawlog.RawLineReader;
import io.edgecollector.collector.validate.MessageProcessor;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Reads a raw file's lines (through {@link RawLineReader}) and decodes, maps, validates and
 * flags them on worker threads, a batch of lines at a time, handing the results back on the
 * calling thread in file order: the same results, in the same order, as one thread would give.
 * Lines of a stateful protocol (Sparkplug B, whose meaning depends on the lines before it) are
 * processed on the calling thread, in order.
 *
 * <p>A daily raw line was mapped and validated at intake, and intake wrote every rejection
 * into its "error" field. A line that has a JSON payload and no "error" field therefore
 * gave only readings that passed Bean Validation: with {@code intakeChecked} (a processor that
 * maps and flags without validating again) such a line skips the second validation. Any other
 * line, and every line of an import (whose raw lines do not carry validation
 * results), goes through the whole path.
 */
final class LinePipeline implements AutoCloseable {
    /** Receives each line's result in file order: mapped is null for a torn or malformed line. */
    interface Sink {
        void line(long offset, int length, MappedMessage mapped) throws IOException;
    }

    /** Bytes of whole lines handed to a worker at a time (about 2,000 lines of a simulated day). */
    static final int BATCH_BYTES = 1 << 19;
    static final int BATCH_LINES = 2_048;

    private final MessageProcessor processor;
    private final MessageProcessor intakeChecked;
    private final ExecutorService workers;
    private final int inFlight;

    /**
     * @param intakeChecked maps and flags without validating, for daily lines intake validated; null: validate every line
     * @param threads       worker threads (0: everything on the calling thread)
     */
    LinePipeline(MessageProcessor processor, MessageProcessor intakeChecked, int threads) {
        this.processor = processor;
        this.intakeChecked = intakeChecked;
        this.workers = threads <= 0 ? null : Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "collector-compact-worker");
            t.setDaemon(true);
            return t;
        });
        this.inFlight = Math.max(2, threads * 2);
    }

    /** Worker threads for this machine: one per core, at most 4. */
    static int defaultThreads() {
        return Math.min(4, Runtime.getRuntime().availableProcessors());
    }

    /** A block of whole lines as read from the file (split into lines on a worker), and what each became. */
    private static final class Batch {
        final byte[] bytes;
        final int used;
        final long offset;
        int[] starts = new int[BATCH_LINES];
        int[] lengths = new int[BATCH_LINES];
        MappedMessage[] mapped;
        RawMessage[] stateful;
        int lines;

        Batch(byte[] bytes, int used, long offset) {
            this.bytes = bytes;
            this.used = used;
            this.offset = offset;
        }

        /** Finds the lines (each ends in a newline, not counted in its length). */
        void split() {
            int start = 0;
            int end;
            while ((end = nextNewline(bytes, start, used)) >= 0) {
                if (lines == starts.length) {
                    starts = Arrays.copyOf(starts, lines * 2);
                    lengths = Arrays.copyOf(lengths, lines * 2);
                }
                starts[lines] = start;
                lengths[lines] = end - start;
                lines++;
                start = end + 1;
            }
            mapped = new MappedMessage[lines];
            stateful = new RawMessage[lines];
        }

        long offset(int line) {
            return offset + starts[line];
        }
    }

    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
    private static final long ONES = 0x0101010101010101L;
    private static final long HIGHS = 0x8080808080808080L;

    /**
     * The index of the first newline in b[from, to), or -1; eight bytes at a time (a byte at a
     * time was a tenth of a worker's time). In a word XOR-ed with newlines, a newline is a zero
     * byte; {@code (x - ONES) & ~x & HIGHS} flags every zero byte, and a byte above one may be
     * flagged falsely by the borrow, never one below: so the lowest flagged byte is the first
     * newline of the word.
     */
    static int nextNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long found = (x - ONES) & ~x & HIGHS;
            if (found != 0) {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /**
     * Feeds the file's whole lines up to limit bytes to the sink, in order.
     * @param daily whether it is a daily raw file written by intake (its lines carry intake's rejections)
     * @return the bytes at the end that do not end in a newline (a torn line), or 0
     */
    int read(Path file, long limit, boolean daily, Sink sink) throws IOException {
        ArrayDeque<Future<Batch>> pending = new ArrayDeque<>();
        long[] at = {0};
        try {
            int torn = RawLineReader.readChunks(file, limit, BATCH_BYTES, (buf, len) -> {
                submit(file, daily, new Batch(buf, len, at[0]), pending, sink);
                at[0] += len;
            });
            while (!pending.isEmpty()) {
                deliver(file, await(pending.removeFirst()), sink);
            }
            return torn;
        } finally {
            for (Future<Batch> f : pending) {
                f.cancel(true);
            }
        }
    }

    private void submit(Path file, boolean daily, Batch batch, ArrayDeque<Future<Batch>> pending, Sink sink)
            throws IOException {
        if (workers == null) {
            deliver(file, process(file, daily, batch), sink);
            return;
        }
        pending.addLast(workers.submit(() -> process(file, daily, batch)));
        while (pending.size() >= inFlight) {
            deliver(file, await(pending.removeFirst()), sink);
        }
    }

    private static Batch await(Future<Batch> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("compaction interrupted");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IOException(e.getCause());
        }
    }

    /** On a worker: decode and process every line but a stateful protocol's. */
    private Batch process(Path file, boolean daily, Batch b) {
        b.split();
        for (int i = 0; i < b.lines; i++) {
            processLine(file, daily, b, i);
        }
        return b;
    }

    /**
     * One line of a batch. A method of its own so that the JIT compiles the line's path once:
     * inside the loop above it was compiled twice over (on-stack replacement of the running
     * loop, then the whole method), about 0.5 s of the C2 compiler in a 1M-line compaction.
     */
    private void processLine(Path file, boolean daily, Batch b, int i) {
        boolean checked = checkedAtIntake(b.bytes, b.starts[i], b.lengths[i]);
        MappedMessage plain = checked ? plain(daily, b.bytes, b.starts[i], b.lengths[i]) : null;
        if (plain != null) {
            b.mapped[i] = plain;
            return;
        }
        RawMessage message = checked ? DailyLineDecoder.decode(b.bytes, b.starts[i], b.lengths[i]) : null;
        if (message == null) {
            try {
                message = RawLineCodec.decode(b.bytes, b.starts[i], b.lengths[i]);
            } catch (IOException torn) {
                return;
            }
        }
        if (processor.isStateful(message.topic())) {
            b.stateful[i] = message;
            return;
        }
        MessageProcessor p = daily && intakeChecked != null && message.payload() != null && checked
                ? intakeChecked : processor;
        b.mapped[i] = p.process(message, file, b.offset(i), b.lengths[i]);
    }

    /**
     * A line intake accepted whole, of the common kind ({@link RawLineCodec#decodePlain}), mapped
     * without building its payload's tree; null when it takes the tree path.
     */
    private MappedMessage plain(boolean daily, byte[] bytes, int start, int length) {
        RawLineCodec.PlainLine line = RawLineCodec.decodePlain(bytes, start, length);
        if (line == null) {
            return null;
        }
        MessageProcessor p = daily && intakeChecked != null ? intakeChecked : processor;
        return p.processPlain(line.payload(), line.topic(), line.receivedAt());
    }

    /**
     * Whether intake wrote no rejection into a line that has a JSON payload: the "error" field
     * comes last, after the payload, so such a line ends in {@code "}} ; a line without it ends in
     * its payload's last character and '}'. A payload that is a JSON string also ends in
     * {@code "}} and is taken as having an error (validated again): the safe side.
     */
    static boolean checkedAtIntake(byte[] line, int offset, int length) {
        return length >= 2 && line[offset + length - 1] == '}' && line[offset + length - 2] != '"';
    }

    /** On the calling thread, in file order: stateful lines are processed here, then every result goes to the sink. */
    private void deliver(Path file, Batch b, Sink sink) throws IOException {
        for (int i = 0; i < b.lines; i++) {
            MappedMessage mapped = b.mapped[i];
            if (b.stateful[i] != null) {
                mapped = processor.process(b.stateful[i], file, b.offset(i), b.lengths[i]);
            }
            sink.line(b.offset(i), b.lengths[i], mapped);
        }
    }

    @Override
    public void close() {
        if (workers != null) {
            workers.shutdownNow();
        }
    }
}
