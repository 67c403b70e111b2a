package io.edgecollector.collector.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Reads what the collector wrote to a raw directory, as a user with `cat` would. */
public final class RawLines {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RawLines() {
    }

    public static List<Path> files(Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("raw_") && p.getFileName().toString().endsWith(".jsonl")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static List<String> all(Path dir) {
        List<String> out = new ArrayList<>();
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("raw_") && p.getFileName().toString().endsWith(".jsonl")).sorted().toList()) {
                out.addAll(Files.readAllLines(f));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The whole records among the lines (a torn line from a crash is not one). */
    public static List<JsonNode> records(Path dir) {
        List<JsonNode> out = new ArrayList<>();
        for (String line : all(dir)) {
            try {
                out.add(JSON.readTree(line));
            } catch (IOException e) {
                // a torn line: its message was never acknowledged
            }
        }
        return out;
    }

    public static long count(Path dir) {
        return all(dir).size();
    }
}
