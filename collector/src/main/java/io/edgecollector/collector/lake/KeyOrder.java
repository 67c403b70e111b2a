package io.edgecollector.collector.lake;

import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.Quality;
import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * A day's lake rows in key order (sensor_id, metric, ts to the microsecond, as written), each
 * key compared exactly, as PostgreSQL's primary key does: of rows with the same key the first
 * added is the one kept, the others are duplicates. Memory is bounded: at most runRows rows are
 * held; a full run is sorted and spilled to a file in dir, and the runs are merged at the end.
 * (A 64-bit hash of the key stood in for it before: a collision dropped a distinct reading.)
 */
final class KeyOrder implements AutoCloseable {
    /** One row of the lake's measurements; ts and receivedAt in microseconds since the epoch. */
    record Row(String sensorId, String metric, long tsMicros, Double value, String unit, Quality quality, String topic,
               long receivedAtMicros) {
        static final Comparator<Row> BY_KEY = Row::compareKey;

        /** sensor_id, then metric, then ts (what Comparator.comparing(...).thenComparing(...) gave, without its lambdas). */
        int compareKey(Row o) {
            int c = sensorId == o.sensorId ? 0 : sensorId.compareTo(o.sensorId);
            if (c != 0) {
                return c;
            }
            c = metric == o.metric ? 0 : metric.compareTo(o.metric);
            return c != 0 ? c : Long.compare(tsMicros, o.tsMicros);
        }

        boolean sameKey(Row o) {
            return tsMicros == o.tsMicros && sensorId.equals(o.sensorId) && metric.equals(o.metric);
        }
    }

    /** Receives the rows in key order; duplicate says an earlier row had the same key. */
    interface Sink {
        void accept(Row row, boolean duplicate) throws IOException;
    }

    private static final Quality[] QUALITIES = Quality.values();

    /**
     * Groups kept (empty) after a spill for the next run's rows of the same sensor and metric;
     * beyond this many they are all forgotten at the next spill (a day of unique sensor ids does
     * not fill the heap with them).
     */
    static final int MAX_GROUPS = 1 << 14;

    private final Path dir;
    private final int runRows;
    /** sensor_id, then metric: the rows held now of that sensor and metric. */
    private final Map<String, Map<String, Group>> groups = new HashMap<>();
    private final List<Group> allGroups = new ArrayList<>();
    private int held;
    private final List<Run> runs = new ArrayList<>();

    private record Run(Path file, int rows) {
    }

    /**
     * The rows held of one sensor and metric, in the order added (a raw file gives them in time
     * order, mostly). Its texts are the ones its rows share: the held rows of a group take about
     * 70 bytes each instead of 300 (their own texts were the young collections' survivors, copied
     * and promoted again and again while a run filled), and comparing keys while merging mostly
     * finds the same object.
     */
    private static final class Group {
        final String sensorId;
        final String metric;
        List<Row> rows = new ArrayList<>();
        /** Whether a row came with a ts before the one added before it. */
        boolean outOfOrder;
        long lastTs = Long.MIN_VALUE;
        String unit;
        String topic;

        Group(String sensorId, String metric) {
            this.sensorId = sensorId;
            this.metric = metric;
        }

        void add(Row row) {
            outOfOrder |= row.tsMicros() < lastTs;
            lastTs = row.tsMicros();
            rows.add(row);
        }

        /** The text the group's rows share, when it is the same as the last one seen. */
        String unit(String u) {
            if (u == null) {
                return null;
            }
            return u.equals(unit) ? unit : (unit = u);
        }

        String topic(String t) {
            return t.equals(topic) ? topic : (topic = t);
        }

        int compareTo(Group o) {
            int c = sensorId.compareTo(o.sensorId);
            return c != 0 ? c : metric.compareTo(o.metric);
        }
    }

    KeyOrder(Path dir, int runRows) {
        this.dir = dir;
        this.runRows = runRows;
    }

    static long micros(Instant t) {
        return Math.addExact(Math.multiplyExact(t.getEpochSecond(), 1_000_000L), t.getNano() / 1000);
    }

    private Group group(String sensorId, String metric) {
        Map<String, Group> bySensor = groups.get(sensorId);
        if (bySensor == null) {
            groups.put(sensorId, bySensor = new HashMap<>());
        }
        Group g = bySensor.get(metric);
        if (g == null) {
            bySensor.put(metric, g = new Group(sensorId, metric));
            allGroups.add(g);
        }
        return g;
    }

    void add(Row row) throws IOException {
        hold(group(row.sensorId(), row.metric()), row);
    }

    /** Adds a reading's row, its texts (sensor, metric, unit, topic) shared with the rows before it of its sensor and metric. */
    void add(Reading r) throws IOException {
        Group g = group(r.sensorId(), r.metric());
        hold(g, new Row(g.sensorId, g.metric, micros(r.ts()), r.value(), g.unit(r.unit()), r.quality(), g.topic(r.topic()),
                micros(r.receivedAt())));
    }

    /** Holds a row in its group; a full run is spilled. */
    private void hold(Group g, Row row) throws IOException {
        g.add(row);
        if (++held >= runRows) {
            spill();
        }
    }

    /** Rows held in memory now. */
    int held() {
        return held;
    }

    /** Sorts the rows held and writes them to disk as one run (a compaction of several days shares one budget). */
    void spillHeld() throws IOException {
        if (held > 0) {
            spill();
        }
    }

    /** How many runs went to disk so far. */
    int spilledRuns() {
        return runs.size();
    }

    /** Groups known now, held rows or not (bounded by {@link #MAX_GROUPS} after a spill). */
    int groups() {
        return allGroups.size();
    }

    /**
     * The rows held, in key order, stably (of rows with the same key, the one added first comes
     * first), as {@code rows.sort(Row.BY_KEY)} would give them, without comparing rows: the few
     * groups are put in order, and a group's rows, added in time order from a raw file that is in
     * order of receipt, are sorted by ts only when they are not in order already. Comparing rows
     * (two strings each time) was a fifth of the reading thread of a 1M-line day (JFR). The
     * groups are emptied; beyond {@link #MAX_GROUPS} they are forgotten.
     */
    private List<Row> takeSorted() {
        List<Group> ordered = new ArrayList<>();
        for (Group g : allGroups) {
            if (!g.rows.isEmpty()) {
                ordered.add(g);
            }
        }
        ordered.sort(Group::compareTo);
        List<Row> rows = new ArrayList<>(held);
        for (Group g : ordered) {
            if (g.outOfOrder) {
                g.rows.sort(BY_TS); // stable
            }
            rows.addAll(g.rows);
            g.rows = new ArrayList<>();
            g.outOfOrder = false;
            g.lastTs = Long.MIN_VALUE;
        }
        held = 0;
        if (allGroups.size() > MAX_GROUPS) {
            groups.clear();
            allGroups.clear();
        }
        return rows;
    }

    /** Hands every row over in key order, then forgets them. */
    void drain(Sink sink) throws IOException {
        List<Row> newest = takeSorted();
        PriorityQueue<Cursor> queue = new PriorityQueue<>(Comparator.comparing((Cursor c) -> c.row, Row.BY_KEY)
                .thenComparingInt(c -> c.run));
        List<Cursor> open = new ArrayList<>();
        try {
            for (int i = 0; i < runs.size(); i++) {
                open.add(Cursor.file(runs.get(i).file(), runs.get(i).rows(), i));
            }
            open.add(Cursor.memory(newest, runs.size())); // the newest rows: the last run
            for (Cursor c : open) {
                if (c.advance()) {
                    queue.add(c);
                }
            }
            Row previous = null;
            while (!queue.isEmpty()) {
                Cursor c = queue.poll();
                Row row = c.row;
                sink.accept(row, previous != null && previous.sameKey(row));
                previous = row;
                if (c.advance()) {
                    queue.add(c);
                }
            }
        } finally {
            for (Cursor c : open) {
                c.close();
            }
        }
    }

    private static final int HANDOVER = 4096;
    private static final Row[] END = new Row[0];

    /**
     * As {@link #drain}, with the merge (reading and ordering the runs) on a thread of its own
     * while the sink works on the calling thread: writing Parquet and merging overlap on two
     * cores. Rows are handed over in blocks of 4,096; the order and the duplicate marks are
     * drain's.
     */
    void drainConcurrently(Sink sink) throws IOException {
        java.util.concurrent.BlockingQueue<Object> blocks = new java.util.concurrent.ArrayBlockingQueue<>(4);
        Thread merger = new Thread(() -> {
            Row[][] block = {new Row[HANDOVER]};
            boolean[][] dups = {new boolean[HANDOVER]};
            int[] n = {0};
            try {
                drain((row, duplicate) -> {
                    block[0][n[0]] = row;
                    dups[0][n[0]++] = duplicate;
                    if (n[0] == HANDOVER) {
                        put(blocks, new Object[] {block[0], dups[0], n[0]});
                        block[0] = new Row[HANDOVER];
                        dups[0] = new boolean[HANDOVER];
                        n[0] = 0;
                    }
                });
                put(blocks, new Object[] {block[0], dups[0], n[0]});
                put(blocks, END);
            } catch (IOException | RuntimeException e) {
                blocks.clear();
                put(blocks, e);
            }
        }, "collector-compact-merge");
        merger.setDaemon(true);
        merger.start();
        try {
            while (true) {
                Object next = blocks.take();
                if (next == END) {
                    break;
                }
                if (next instanceof IOException e) {
                    throw new IOException(e.getMessage(), e);
                }
                if (next instanceof RuntimeException e) {
                    throw e;
                }
                Object[] b = (Object[]) next;
                Row[] rows = (Row[]) b[0];
                boolean[] duplicates = (boolean[]) b[1];
                int count = (Integer) b[2];
                for (int i = 0; i < count; i++) {
                    sink.accept(rows[i], duplicates[i]);
                }
            }
            merger.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("compaction interrupted");
        } finally {
            if (merger.isAlive()) {
                merger.interrupt();
                blocks.clear();
            }
        }
    }

    private static void put(java.util.concurrent.BlockingQueue<Object> q, Object o) {
        try {
            q.put(o);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("merge interrupted", e);
        }
    }

    private static final Comparator<Row> BY_TS = Comparator.comparingLong(Row::tsMicros);

    private void spill() throws IOException {
        List<Row> run = takeSorted();
        Path file = dir.resolve("run-" + runs.size());
        // the run is built in memory (about 1.5 MB for 50,000 rows) and written at once: through a
        // BufferedOutputStream every writeLong was a synchronized call
        RunBytes bytes = new RunBytes();
        DataOutputStream out = new DataOutputStream(bytes);
        Row previous = null;
        for (Row r : run) {
            write(out, r, previous);
            previous = r;
        }
        try (OutputStream f = Files.newOutputStream(file)) {
            f.write(bytes.buf, 0, bytes.count);
        }
        runs.add(new Run(file, run.size()));
    }

    /** A growing byte array, without ByteArrayOutputStream's locking. */
    private static final class RunBytes extends OutputStream {
        byte[] buf = new byte[1 << 16];
        int count;

        @Override
        public void write(int b) {
            ensure(1);
            buf[count++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            ensure(len);
            System.arraycopy(b, off, buf, count, len);
            count += len;
        }

        private void ensure(int more) {
            if (count + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, count + more));
            }
        }
    }

    private static final int SAME_SENSOR = 1;
    private static final int SAME_METRIC = 2;
    private static final int SAME_UNIT = 4;
    private static final int SAME_TOPIC = 8;
    private static final int HAS_VALUE = 16;

    /**
     * One row of a sorted run: a byte saying which texts are the previous row's (in key order
     * sensor, metric, unit and topic mostly repeat), then the texts that are not, the numbers
     * and the quality. About 30 bytes a row instead of 100-150.
     */
    private static void write(DataOutputStream out, Row r, Row previous) throws IOException {
        int flags = r.value() != null ? HAS_VALUE : 0;
        if (previous != null) {
            flags |= r.sensorId().equals(previous.sensorId()) ? SAME_SENSOR : 0;
            flags |= r.metric().equals(previous.metric()) ? SAME_METRIC : 0;
            flags |= java.util.Objects.equals(r.unit(), previous.unit()) ? SAME_UNIT : 0;
            flags |= r.topic().equals(previous.topic()) ? SAME_TOPIC : 0;
        }
        out.writeByte(flags);
        if ((flags & SAME_SENSOR) == 0) {
            text(out, r.sensorId());
        }
        if ((flags & SAME_METRIC) == 0) {
            text(out, r.metric());
        }
        if ((flags & SAME_UNIT) == 0) {
            text(out, r.unit());
        }
        if ((flags & SAME_TOPIC) == 0) {
            text(out, r.topic());
        }
        out.writeLong(r.tsMicros());
        if (r.value() != null) {
            out.writeDouble(r.value());
        }
        out.writeByte(r.quality().ordinal());
        out.writeLong(r.receivedAtMicros());
    }

    /** The next row of a run written by {@link #write}; previous is the row read before it (null: the first). */
    private static Row read(DataInputStream in, Row previous) throws IOException {
        int flags = in.readUnsignedByte();
        String sensorId = (flags & SAME_SENSOR) != 0 ? previous.sensorId() : text(in);
        String metric = (flags & SAME_METRIC) != 0 ? previous.metric() : text(in);
        String unit = (flags & SAME_UNIT) != 0 ? previous.unit() : text(in);
        String topic = (flags & SAME_TOPIC) != 0 ? previous.topic() : text(in);
        long ts = in.readLong();
        Double value = (flags & HAS_VALUE) != 0 ? in.readDouble() : null;
        Quality quality = QUALITIES[in.readByte()];
        return new Row(sensorId, metric, ts, value, unit, quality, topic, in.readLong());
    }

    /** Length-prefixed UTF-8 (a topic may exceed writeUTF's 64 KB); -1 for null. */
    private static void text(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String text(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] b = new byte[n];
        in.readFully(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** The next row of one run. */
    private abstract static class Cursor implements AutoCloseable {
        final int run;
        Row row;

        Cursor(int run) {
            this.run = run;
        }

        abstract boolean advance() throws IOException;

        @Override
        public void close() throws IOException {
        }

        static Cursor memory(List<Row> rows, int run) {
            return new Cursor(run) {
                private int next;

                @Override
                boolean advance() {
                    row = next < rows.size() ? rows.get(next++) : null;
                    return row != null;
                }
            };
        }

        static Cursor file(Path file, int rows, int run) throws IOException {
            DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), 1 << 16));
            return new Cursor(run) {
                private int left = rows;

                @Override
                boolean advance() throws IOException {
                    row = left-- > 0 ? read(in, row) : null;
                    return row != null;
                }

                @Override
                public void close() throws IOException {
                    in.close();
                }
            };
        }
    }

    /** Deletes the spilled runs. */
    @Override
    public void close() throws IOException {
        for (Run run : runs) {
            Files.deleteIfExists(run.file());
        }
        runs.clear();
        groups.clear();
        allGroups.clear();
        held = 0;
    }
}
