package io.edgecollector.collector.lake;

import io.edgecollector.collector.rawlog.ImportFiles;
import io.edgecollector.collector.rawlog.RawFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiPredicate;
import java.util.zip.GZIPOutputStream;

/**
 * Compresses raw files to .jsonl.gz, or deletes them, once they are old enough AND safe: the
 * day's lake manifest lists the file at its present size (compacted and verified), and the
 * database has loaded it to its end. A file that is not both stays as it is.
 */
public final class Retention {
    /** What was done, and what was kept back with the reason. */
    public record Outcome(List<String> compressed, List<String> deleted, List<String> kept) {
    }

    /**
     * An output that follows the raw files: what it is ("loaded into the database") and whether it
     * has the named raw file up to the given offset (the end of its last whole line).
     */
    public record Follower(String what, BiPredicate<String, Long> reached, boolean followsImports) {
        public Follower(String what, BiPredicate<String, Long> reached) {
            this(what, reached, true);
        }
    }

    private final Path rawDir;
    private final Path lakeDir;
    private final List<Follower> followers;

    /**
     * @param loaded whether the database has loaded the named raw file up to the given offset
     *               (the end of its last whole line)
     */
    public Retention(Path rawDir, Path lakeDir, BiPredicate<String, Long> loaded) {
        this(rawDir, lakeDir, List.of(new Follower("loaded into the database", loaded)));
    }

    /** A file is kept until every follower (the database, Kafka) has it to its end. */
    public Retention(Path rawDir, Path lakeDir, List<Follower> followers) {
        this.rawDir = rawDir;
        this.lakeDir = lakeDir;
        this.followers = List.copyOf(followers);
    }

    /**
     * @param compressBefore raw files of days before this are compressed (null: never)
     * @param deleteBefore   raw files of days before this are deleted (null: never)
     */
    public Outcome apply(LocalDate compressBefore, LocalDate deleteBefore) throws IOException {
        List<String> compressed = new ArrayList<>();
        List<String> deleted = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        for (LocalDate day : RawFiles.days(rawDir)) {
            boolean delete = deleteBefore != null && day.isBefore(deleteBefore);
            boolean compress = compressBefore != null && day.isBefore(compressBefore);
            if (!delete && !compress) {
                continue;
            }
            Manifest manifest = Manifest.read(DayCompactor.measurements(lakeDir, day));
            for (Path f : RawFiles.ofDay(rawDir, day)) {
                String name = f.getFileName().toString();
                String why = unsafe(manifest, f);
                if (why != null) {
                    kept.add(name + ": " + why);
                } else if (delete) {
                    Files.delete(f);
                    deleted.add(name);
                } else if (!RawFiles.isCompressed(f)) {
                    gzip(f);
                    compressed.add(name);
                }
            }
        }
        if (deleteBefore != null) {
            for (Path f : ImportFiles.list(rawDir)) {
                ImportFiles.Entry e = ImportFiles.recorded(f);
                String name = ImportFiles.DIR + "/" + f.getFileName();
                if (e != null && !e.receivedAt().atZone(ZoneOffset.UTC).toLocalDate().isBefore(deleteBefore)) {
                    continue;
                }
                String why = e == null ? "its days are not known yet (compact first)" : unsafe(e);
                if (why != null) {
                    kept.add(name + ": " + why);
                } else {
                    ImportFiles.delete(f);
                    deleted.add(name);
                }
            }
        }
        return new Outcome(compressed, deleted, kept);
    }

    /**
     * An import's raw file (deleted, never compressed, once its import day is older than
     * delete_after) goes only when every day its readings fall on is compacted with it at its
     * present size, in both partitions, and the database has loaded it to its end.
     */
    private String unsafe(ImportFiles.Entry e) throws IOException {
        for (LocalDate day : e.days()) {
            Manifest m = Manifest.read(DayCompactor.measurements(lakeDir, day));
            Manifest r = Manifest.read(DayCompactor.rollups(lakeDir, day));
            if (m == null || r == null || !m.covers(e.source(), e.bytes()) || !r.covers(e.source(), e.bytes())) {
                return "day " + day + " not compacted with it (compact first)";
            }
        }
        for (Follower follower : followers) {
            if (follower.followsImports() && !follower.reached().test(e.file().getFileName().toString(), e.bytes())) {
                return "not " + follower.what() + " to its end";
            }
        }
        return null;
    }

    private String unsafe(Manifest manifest, Path f) throws IOException {
        if (manifest == null) {
            return "day not compacted";
        }
        if (RawFiles.isCompressed(f)) {
            String original = f.getFileName().toString().replaceFirst("\\.gz$", "");
            return manifest.sources().stream().anyMatch(s -> s.name().equals(original) || s.name().equals(f.getFileName().toString()))
                    ? null : "not in the day's manifest";
        }
        long size = Files.size(f);
        if (!manifest.covers(f.getFileName().toString(), size)) {
            return "changed since compaction (compact the day again)";
        }
        long end = RawFiles.wholeLinesEnd(f);
        for (Follower follower : followers) {
            if (!follower.reached().test(f.getFileName().toString(), end)) {
                return "not " + follower.what() + " to its end";
            }
        }
        return null;
    }

    /** Writes file.gz aside, forces it, renames it into place, then removes the original. */
    private static void gzip(Path f) throws IOException {
        Path tmp = f.resolveSibling("." + f.getFileName() + ".gz.tmp");
        try (InputStream in = Files.newInputStream(f); OutputStream out = new GZIPOutputStream(Files.newOutputStream(tmp), 1 << 16)) {
            in.transferTo(out);
        }
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, f.resolveSibling(f.getFileName() + ".gz"), StandardCopyOption.ATOMIC_MOVE);
        Files.delete(f);
    }
}
