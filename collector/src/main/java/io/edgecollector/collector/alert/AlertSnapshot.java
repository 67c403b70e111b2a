package io.edgecollector.collector.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The evaluator's state as of a raw-log position and an alert-log position, in
 * {@code .alerts-state[_instance].json} beside the raw files, replaced atomically (write aside,
 * fsync, rename). After a crash, the engine starts from it and judges the raw lines after its
 * raw position again, with the alert log after its alert position telling what was already decided.
 */
record AlertSnapshot(JsonNode state, RawPosition raw, RawPosition alerts) {

    static Path file(Path dir, String instanceId) {
        return dir.resolve(instanceId == null || instanceId.isEmpty() ? ".alerts-state.json"
                : ".alerts-state_" + instanceId + ".json");
    }

    /** The saved snapshot, or null when there is none. */
    static AlertSnapshot read(Path file) throws IOException {
        if (!Files.exists(file)) {
            return null;
        }
        JsonNode n = AlertEvent.JSON.readTree(file.toFile());
        return new AlertSnapshot(n.get("state"), position(n.get("raw")), position(n.get("alerts")));
    }

    void write(Path file) throws IOException {
        ObjectNode n = AlertEvent.JSON.createObjectNode();
        n.set("state", state);
        n.set("raw", json(raw));
        n.set("alerts", json(alerts));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.write(tmp, AlertEvent.JSON.writeValueAsBytes(n));
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static ObjectNode json(RawPosition p) {
        return AlertEvent.JSON.createObjectNode().put("file", p.file()).put("offset", p.offset());
    }

    private static RawPosition position(JsonNode n) {
        return new RawPosition(n.hasNonNull("file") ? n.get("file").asText() : null, n.get("offset").asLong());
    }
}
