package io.edgecollector.collector.ingest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The topic filters a client id subscribed last time, kept beside the raw files. A persistent
 * session keeps its subscriptions at the broker, so filters removed from the configuration
 * must be unsubscribed, or their messages keep arriving.
 */
final class SubscriptionMemory {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Path file;

    SubscriptionMemory(Path rawDir) {
        this.file = rawDir.resolve(".subscriptions.json");
    }

    /** The filters subscribed last time under this client id that the configuration no longer has. */
    List<String> removed(String clientId, List<String> current) {
        List<String> previous = read().getOrDefault(clientId, List.of());
        List<String> removed = new ArrayList<>(previous);
        removed.removeAll(current);
        return removed;
    }

    void remember(String clientId, List<String> current) throws IOException {
        Map<String, List<String>> all = read();
        all.put(clientId, List.copyOf(current));
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), all);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private Map<String, List<String>> read() {
        try {
            return Files.exists(file) ? new TreeMap<>(JSON.readValue(file.toFile(), new TypeReference<Map<String, List<String>>>() { }))
                    : new TreeMap<>();
        } catch (IOException e) {
            return new TreeMap<>();
        }
    }
}
