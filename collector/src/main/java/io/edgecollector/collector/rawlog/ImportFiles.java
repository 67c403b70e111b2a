package io.edgecollector.collector.rawlog;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.validate.MessageProcessor;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The raw files of `collector import` ({@code <raw_dir>/import/import_<id>.jsonl}) and the UTC
 * days their readings fall on. History has no day of receipt worth the name (it is all received
 * at the import), so its readings belong to the lake partitions of their timestamps. Which days a
 * file touches is kept beside it in {@code import_<id>.jsonl.days} (written by the import, which
 * sees every reading; recomputed from the file's lines when missing or when the file has grown
 * since), so that compaction knows which days an import changes without reading it.
 */
public final class ImportFiles {
    public static final String DIR = "import";
    private static final Pattern NAME = Pattern.compile("import_[0-9a-f]+\\.jsonl");
    private static final String DAYS = ".days";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An import's raw file: its name as a source of the lake ("import/import_<id>.jsonl"), size, time and days. */
    public record Entry(Path file, long bytes, Instant receivedAt, SortedSet<LocalDate> days) {
        public String source() {
            return DIR + "/" + file.getFileName();
        }
    }

    /** The days file's content: the raw file's size it was made for, and the days. */
    record Index(long bytes, List<String> days) {
    }

    private ImportFiles() {
    }

    public static Path dir(Path rawDir) {
        return rawDir.resolve(DIR);
    }

    /** The import raw files under the raw directory, in name order. */
    public static List<Path> list(Path rawDir) {
        Path dir = dir(rawDir);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> NAME.matcher(f.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list import directory " + dir, e);
        }
    }

    /**
     * Every import raw file with the days its whole lines touch, oldest import first (by its
     * received_at, then name): the order PostgreSQL saw them in, which decides which of two
     * readings with the same key is kept. A days file that is missing or made for another size
     * is made again from the file's lines.
     */
    public static List<Entry> entries(Path rawDir, MessageProcessor processor) throws IOException {
        List<Entry> out = new ArrayList<>();
        for (Path f : list(rawDir)) {
            long end = RawFiles.wholeLinesEnd(f);
            Instant receivedAt = firstReceivedAt(f);
            if (receivedAt == null) {
                continue;
            }
            SortedSet<LocalDate> days = readDays(f, end);
            if (days == null) {
                days = scanDays(f, end, processor);
                writeDays(f, end, days);
            }
            out.add(new Entry(f, end, receivedAt, days));
        }
        out.sort(Comparator.comparing(Entry::receivedAt).thenComparing(e -> e.file().getFileName().toString()));
        return out;
    }

    /**
     * The file with the days its days file records for its present size, or null when that
     * record is missing or made for another size (compaction makes it again).
     */
    public static Entry recorded(Path raw) throws IOException {
        long end = RawFiles.wholeLinesEnd(raw);
        Instant receivedAt = firstReceivedAt(raw);
        SortedSet<LocalDate> days = readDays(raw, end);
        return receivedAt == null || days == null ? null : new Entry(raw, end, receivedAt, days);
    }

    /** Removes an import's raw file and its days file (its .done mark stays: importing the file again adds nothing). */
    public static void delete(Path raw) throws IOException {
        Files.delete(raw);
        Files.deleteIfExists(raw.resolveSibling(raw.getFileName() + DAYS));
    }

    /** The UTC day of a reading's timestamp: its lake partition when it was imported. */
    public static LocalDate dayOf(Reading r) {
        return LocalDate.ofEpochDay(Math.floorDiv(r.ts().getEpochSecond(), 86_400L));
    }

    /** Records which days the raw file's first `bytes` bytes touch (the import calls it when done). */
    public static void writeDays(Path raw, long bytes, Set<LocalDate> days) throws IOException {
        Path target = raw.resolveSibling(raw.getFileName() + DAYS);
        Path tmp = raw.resolveSibling("." + raw.getFileName() + DAYS + ".tmp");
        JSON.writeValue(tmp.toFile(), new Index(bytes, new TreeSet<>(days).stream().map(LocalDate::toString).toList()));
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The days recorded for the file at this size, or null when there is no such record. */
    private static SortedSet<LocalDate> readDays(Path raw, long bytes) {
        Path f = raw.resolveSibling(raw.getFileName() + DAYS);
        try {
            if (!Files.exists(f)) {
                return null;
            }
            Index index = JSON.readValue(f.toFile(), Index.class);
            if (index.bytes() != bytes || index.days() == null) {
                return null;
            }
            SortedSet<LocalDate> days = new TreeSet<>();
            for (String d : index.days()) {
                days.add(LocalDate.parse(d));
            }
            return days;
        } catch (IOException | RuntimeException unreadable) {
            return null; // made again from the lines
        }
    }

    private static SortedSet<LocalDate> scanDays(Path raw, long end, MessageProcessor processor) throws IOException {
        SortedSet<LocalDate> days = new TreeSet<>();
        long[] at = {0};
        RawLineReader.read(raw, end, (buf, off, len) -> {
            long offset = at[0];
            at[0] += len + 1L;
            RawMessage message;
            try {
                message = RawLineCodec.decode(buf, off, len);
            } catch (IOException torn) {
                return;
            }
            for (Reading r : processor.process(message, raw, offset, len).readings()) {
                days.add(dayOf(r));
            }
        });
        return days;
    }

    /** The received_at of the file's first line (every line of an import has the same), or null for an empty file. */
    private static Instant firstReceivedAt(Path raw) throws IOException {
        byte[] head;
        try (InputStream in = Files.newInputStream(raw)) {
            head = in.readNBytes(4096);
        }
        int nl = 0;
        while (nl < head.length && head[nl] != '\n') {
            nl++;
        }
        if (nl == head.length) {
            return head.length == 0 ? null : Files.getLastModifiedTime(raw).toInstant();
        }
        try {
            return RawLineCodec.decode(head, 0, nl).receivedAt();
        } catch (IOException torn) {
            return Files.getLastModifiedTime(raw).toInstant();
        }
    }
}
