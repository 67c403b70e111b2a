package io.edgecollector.collector.alert;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.TreeMap;

/**
 * How far an output (MQTT, webhook) has delivered each alert file, in a small text file beside
 * the raw files ("alerts_YYYYMMDD.jsonl offset" per line), replaced atomically. Delivery is at
 * least once: a checkpoint lost in a crash means some events are delivered again.
 */
final class FileCheckpoint {
    private final Path file;
    private final Map<String, Long> offsets = new TreeMap<>();

    FileCheckpoint(Path file) throws IOException {
        this.file = file;
        if (Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                int space = line.lastIndexOf(' ');
                if (space > 0) {
                    offsets.put(line.substring(0, space), Long.parseLong(line.substring(space + 1).trim()));
                }
            }
        }
    }

    synchronized long get(String alertFile) {
        return offsets.getOrDefault(alertFile, 0L);
    }

    synchronized void put(String alertFile, long offset) throws IOException {
        offsets.put(alertFile, offset);
        StringBuilder out = new StringBuilder();
        offsets.forEach((k, v) -> out.append(k).append(' ').append(v).append('\n'));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, out, StandardCharsets.UTF_8);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
