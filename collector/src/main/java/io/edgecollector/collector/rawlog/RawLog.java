package io.edgecollector.collector.rawlog;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * The append-only raw JSONL files, one per UTC day of receipt (this process is their only
 * writer, so it appends at the end it keeps track of). {@link #append} returns only once
 * the lines are on disk (fdatasync), which is what makes acknowledging MQTT afterwards safe.
 * A file is never rewritten: a torn last line left by a crash is closed with a newline, and
 * readers skip it (its message was never acknowledged, so the broker delivers it again).
 */
public final class RawLog implements AutoCloseable {
    private final Path dir;
    private final String instanceId;
    private FileChannel channel;
    private LocalDate openDay;
    private Path openFile;

    public RawLog(Path dir, String instanceId) {
        this.dir = dir;
        this.instanceId = instanceId;
    }

    /** Where a run of the appended lines went: lines [from, to) at byte start of file. */
    public record Run(Path file, long start, int from, int to) {
    }

    /** Appends and forces the lines; lines of several days go to their own files, one run each. */
    public List<Run> append(List<RawLine> lines) throws IOException {
        List<Run> runs = new ArrayList<>(1);
        int i = 0;
        while (i < lines.size()) {
            int from = i;
            LocalDate day = lines.get(i).day();
            List<ByteBuffer> run = new ArrayList<>();
            while (i < lines.size() && lines.get(i).day().equals(day)) {
                run.add(ByteBuffer.wrap(lines.get(i).bytes()));
                i++;
            }
            long start = writeAndForce(day, run.toArray(ByteBuffer[]::new));
            runs.add(new Run(openFile, start, from, i));
        }
        return runs;
    }

    /** Returns the offset the buffers were written at. */
    private long writeAndForce(LocalDate day, ByteBuffer[] buffers) throws IOException {
        long start = -1;
        try {
            FileChannel ch = channelFor(day);
            start = ch.size();
            long remaining = 0;
            for (ByteBuffer b : buffers) {
                remaining += b.remaining();
            }
            while (remaining > 0) {
                remaining -= ch.write(buffers);
            }
            ch.force(false);
            return start;
        } catch (IOException e) {
            dropPartialBatch(start);
            throw new IOException(openFileName(day) + ": " + describe(e), e);
        }
    }

    /**
     * After a failed append (e.g. disk full) nothing of the batch is acknowledged. Cutting the
     * file back to where the batch began means the retry writes the same bytes at the same
     * offsets, instead of leaving a partial copy of the batch ahead of the full one.
     */
    private void dropPartialBatch(long start) {
        if (channel != null && start >= 0) {
            try {
                channel.truncate(start);
                channel.position(start);
            } catch (IOException e) {
                // the reopen will close a torn tail with a newline instead
            }
        }
        closeQuietly();
    }

    private FileChannel channelFor(LocalDate day) throws IOException {
        if (channel != null && day.equals(openDay)) {
            return channel;
        }
        closeQuietly();
        Files.createDirectories(dir);
        Path file = dir.resolve(RawFiles.name(day, instanceId));
        boolean created = !Files.exists(file);
        FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        try {
            ch.position(ch.size());
            RawFiles.endTornLine(ch);
            if (created) {
                ch.force(true);
                forceDirectory(dir);
            }
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        channel = ch;
        openDay = day;
        openFile = file;
        return ch;
    }

    private static void forceDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot fsync a directory; the file's own fsync still holds its data
        }
    }

    /** What went wrong, in words: file system exceptions often carry only a path as message. */
    static String describe(IOException e) {
        if (e instanceof java.nio.file.FileSystemException fs) {
            String what = e.getClass().getSimpleName().replace("Exception", "").replaceAll("([a-z])([A-Z])", "$1 $2");
            return fs.getReason() != null ? fs.getReason() + " (" + fs.getFile() + ")" : what + ": " + fs.getFile();
        }
        return e.getMessage();
    }

    private String openFileName(LocalDate day) {
        return openFile != null ? openFile.toString() : dir.resolve(RawFiles.name(day, instanceId)).toString();
    }

    private void closeQuietly() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // the channel is discarded either way; the next append reopens and repairs the tail
            }
            channel = null;
            openDay = null;
        }
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
