package io.edgecollector.collector.rawlog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Names of raw files: raw_YYYYMMDD.jsonl, or raw_YYYYMMDD_<instance>.jsonl for a named instance. */
public final class RawFiles {
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final Pattern NAME = Pattern.compile("raw_(\\d{8})(?:_([A-Za-z0-9_-]+))?\\.jsonl(\\.gz)?");

    private RawFiles() {
    }

    public static String name(LocalDate day, String instanceId) {
        String base = "raw_" + DAY.format(day);
        return (instanceId == null || instanceId.isEmpty() ? base : base + "_" + instanceId) + ".jsonl";
    }

    /** The UTC day a raw file holds, or null when the name is not a raw file's. */
    public static LocalDate dayOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return null;
        }
        // LocalDate.of, not the formatter: the loader and the alert thread list the directory on
        // every pass, and an impossible date (raw_20261399.jsonl) is no raw file rather than an error
        String day = m.group(1);
        try {
            return LocalDate.of(Integer.parseInt(day, 0, 4, 10), Integer.parseInt(day, 4, 6, 10),
                    Integer.parseInt(day, 6, 8, 10));
        } catch (DateTimeException e) {
            return null;
        }
    }

    /** The instance id in a raw file's name ("" for none), or null when not a raw file. */
    public static String instanceOf(Path file) {
        Matcher m = NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return null;
        }
        return m.group(2) == null ? "" : m.group(2);
    }

    /** Uncompressed raw files in the directory, oldest day first; only the given instance's when it is not null. */
    public static List<Path> list(Path dir, String instanceId) {
        Listing listing = listing(dir);
        return listing.byInstance().computeIfAbsent(instanceId == null ? EVERY_INSTANCE : instanceId,
                k -> listing.files().stream()
                        .filter(f -> !isCompressed(f))
                        .filter(f -> instanceId == null || instanceId.equals(instanceOf(f)))
                        .toList());
    }

    /** The key of list's answer for every instance (the map takes no null). */
    private static final String EVERY_INSTANCE = "\0every instance";

    /** Every instance's raw files of one day, compressed (.jsonl.gz) or not, in name order. */
    public static List<Path> ofDay(Path dir, LocalDate day) {
        return all(dir).stream().filter(f -> day.equals(dayOf(f))).toList();
    }

    /** The days that have raw files, oldest first. */
    public static List<LocalDate> days(Path dir) {
        return all(dir).stream().map(RawFiles::dayOf).distinct().sorted().toList();
    }

    /** Where the last whole line of an uncompressed raw file ends (a torn tail after it is not a line). */
    public static long wholeLinesEnd(Path f) throws IOException {
        try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(f)) {
            long end = ch.size();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(64 * 1024);
            while (end > 0) {
                long from = Math.max(0, end - buf.capacity());
                buf.clear().limit((int) (end - from));
                ch.read(buf, from);
                for (int i = buf.position() - 1; i >= 0; i--) {
                    if (buf.get(i) == '\n') {
                        return from + i + 1;
                    }
                }
                end = from;
            }
            return 0;
        }
    }

    public static boolean isCompressed(Path f) {
        return f.getFileName().toString().endsWith(".gz");
    }

    /**
     * A directory's raw files, its modification time before they were listed, and when they were
     * (wall clock, to compare with that time; the monotonic clock, for the listing's age).
     */
    private record Listing(FileTime modified, long listedAtMillis, long listedAtNanos, List<Path> files,
                           Map<String, List<Path>> byInstance) {
        Listing(FileTime modified, long listedAtMillis, long listedAtNanos, List<Path> files) {
            this(modified, listedAtMillis, listedAtNanos, files, new ConcurrentHashMap<>());
        }
    }

    private static final Listing NONE = new Listing(FileTime.fromMillis(0), 0, 0, List.of());

    private static final Map<Path, Listing> LISTINGS = new ConcurrentHashMap<>();
    /** Longer than any file system's timestamp granularity (FAT's is 2 s). */
    static final long SETTLED_MILLIS = 2_000;
    /** A listing is taken again at least this often, whatever the directory's time says. */
    static final long MAX_AGE_MILLIS = 10_000;

    /** The directory's raw files in name order (see {@link #listing}). */
    private static List<Path> all(Path dir) {
        return listing(dir).files();
    }

    /**
     * The directory's raw files in name order, with list's answers per instance kept beside
     * them. The loader and the alert thread ask on every pass
     * (a directory listing, sorted, about 2 us per message at 2,000 msg/s: async-profiler), so a
     * listing is kept and given again while the directory's modification time is the one read
     * before it. Any entry created, renamed or removed after a listing gets a later time, unless
     * it falls within the same timestamp tick as that time: so a listing whose time was less than
     * SETTLED_MILLIS old (as git treats a racily clean index entry) is kept only until that time
     * is SETTLED_MILLIS old, and then taken again, which settles it. An entry changed within
     * the same tick as the one before it is thus seen at most SETTLED_MILLIS late. The
     * directory also holds state files replaced every few seconds (the alert snapshot): each
     * costs one listing, then one more once it has settled. At most MAX_AGE_MILLIS old in any case.
     */
    private static Listing listing(Path dir) {
        long now = System.currentTimeMillis(); // before the directory's time is read
        long nowNanos = System.nanoTime();
        BasicFileAttributes attributes;
        try {
            attributes = Files.readAttributes(dir, BasicFileAttributes.class);
        } catch (IOException e) {
            LISTINGS.remove(dir);
            return NONE; // not there, or not readable: no raw files, as Files.isDirectory says
        }
        if (!attributes.isDirectory()) {
            return NONE;
        }
        FileTime modified = attributes.lastModifiedTime();
        Listing known = LISTINGS.get(dir);
        if (known != null && known.modified().equals(modified)
                && nowNanos - known.listedAtNanos() < MAX_AGE_MILLIS * 1_000_000L
                && (modified.toMillis() < known.listedAtMillis() - SETTLED_MILLIS
                    || now < modified.toMillis() + SETTLED_MILLIS)) {
            return known;
        }
        List<Path> files;
        try (Stream<Path> entries = Files.list(dir)) {
            files = entries.filter(f -> dayOf(f) != null).sorted().toList();
        } catch (NoSuchFileException e) {
            return NONE;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list raw directory " + dir, e);
        }
        if (LISTINGS.size() >= 64) {
            LISTINGS.clear(); // a process lists one or two directories; tests, many
        }
        Listing listing = new Listing(modified, now, nowNanos, files);
        LISTINGS.put(dir, listing);
        return listing;
    }

    /**
     * A file whose last byte is not a newline ends in a torn line: close it (and force the newline) so
     * the lines appended after it stay whole. Every appender of line files opens them this way.
     */
    public static void endTornLine(FileChannel ch) throws IOException {
        long size = ch.size();
        if (size == 0) {
            return;
        }
        ByteBuffer last = ByteBuffer.allocate(1);
        ch.read(last, size - 1);
        if (last.get(0) != '\n') {
            ch.write(ByteBuffer.wrap(new byte[] {'\n'}));
            ch.force(false);
        }
    }
}
