package io.edgecollector.collector.lake;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The _SUCCESS file of a compacted day: which raw files (and sizes) it was made from and the
 * verified counts. Retention trusts a raw file to the lake only when it is listed here.
 */
public record Manifest(String date, List<Source> sources, long lines, long readings, long rows, long duplicates,
                       long rejections, long tornLines, long rollupRows) {
    public static final String FILE = "_SUCCESS";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A raw file as it was read: its name and size in bytes. */
    public record Source(String name, long bytes) {
    }

    void write(Path dir) throws IOException {
        JSON.writerWithDefaultPrettyPrinter().writeValue(dir.resolve(FILE).toFile(), this);
    }

    /** The manifest of a compacted day, or null when the day has none. */
    public static Manifest read(Path partition) throws IOException {
        Path f = partition.resolve(FILE);
        return Files.exists(f) ? JSON.readValue(f.toFile(), Manifest.class) : null;
    }

    /** Whether the raw file, as it is now, is what this day was compacted from. */
    public boolean covers(String name, long bytes) {
        return sources.stream().anyMatch(s -> s.name().equals(name) && s.bytes() == bytes);
    }
}
