package io.edgecollector.collector.alert;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.edgecollector.collector.rawlog.RawChunk;
import io.edgecollector.collector.rawlog.RawFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The alert events, appended and fsynced to alerts_YYYYMMDD[_instance].jsonl in the raw
 * directory (UTC day of the event) before anyone is told: the outputs (MQTT, webhook,
 * PostgreSQL) follow these files with checkpoints of their own. Each line is the event plus
 * where in the raw log it was decided ({@code raw_file}, {@code raw_offset}: the end of the
 * reading's line, or how far the raw log was judged when a silence or a reload decided) and
 * {@code cause} (reading, silence, reload), which is what recovery after a crash needs.
 */
public final class AlertLog implements AutoCloseable {
    private static final DateTimeFormatter DAY = DateTimeFormatter.BASIC_ISO_DATE;
    private static final Pattern NAME = Pattern.compile("alerts_(\\d{8})(?:_([A-Za-z0-9_-]+))?\\.jsonl");

    /** An event as logged: where it was decided and why. */
    public record Entry(AlertEvent event, RawPosition position, String cause) {
    }

    /** Where an entry's line ends: the file and the offset after its newline. */
    public record Located(Entry entry, String file, long end) {
    }

    private final Path dir;
    private final String instanceId;
    private FileChannel channel;
    private String openName;

    public AlertLog(Path dir, String instanceId) {
        this.dir = dir;
        this.instanceId = instanceId;
    }

    public static String name(LocalDate day, String instanceId) {
        String base = "alerts_" + DAY.format(day);
        return (instanceId == null || instanceId.isEmpty() ? base : base + "_" + instanceId) + ".jsonl";
    }

    /** This instance's alert files, oldest first. */
    public static List<Path> files(Path dir, String instanceId) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(f -> {
                var m = NAME.matcher(f.getFileName().toString());
                return m.matches() && (m.group(2) == null ? "" : m.group(2)).equals(instanceId == null ? "" : instanceId);
            }).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** Appends the entries and forces them to disk; returns once they are durable. */
    public void append(List<Entry> entries) throws IOException {
        int i = 0;
        while (i < entries.size()) {
            String name = name(entries.get(i).event().at().atZone(ZoneOffset.UTC).toLocalDate(), instanceId);
            List<ByteBuffer> run = new ArrayList<>();
            while (i < entries.size() && name(entries.get(i).event().at().atZone(ZoneOffset.UTC).toLocalDate(),
                    instanceId).equals(name)) {
                run.add(ByteBuffer.wrap(encode(entries.get(i))));
                i++;
            }
            FileChannel ch = channel(name);
            ByteBuffer[] buffers = run.toArray(ByteBuffer[]::new);
            long remaining = run.stream().mapToLong(ByteBuffer::remaining).sum();
            while (remaining > 0) {
                remaining -= ch.write(buffers);
            }
            ch.force(false);
        }
    }

    /** Where the log ends now: its newest file and size (null file when there is none). */
    public RawPosition end() throws IOException {
        List<Path> all = files(dir, instanceId);
        if (all.isEmpty()) {
            return RawPosition.START;
        }
        Path last = all.get(all.size() - 1);
        return new RawPosition(last.getFileName().toString(), Files.size(last));
    }

    /** Whole lines after a position, across files, with where each ends. */
    public static List<Located> readAfter(Path dir, String instanceId, RawPosition from, int maxLines) throws IOException {
        List<Located> out = new ArrayList<>();
        for (Path f : files(dir, instanceId)) {
            String name = f.getFileName().toString();
            if (from.file() != null && name.compareTo(from.file()) < 0) {
                continue;
            }
            long offset = name.equals(from.file()) ? from.offset() : 0;
            while (out.size() < maxLines && Files.size(f) > offset) {
                RawChunk chunk = RawChunk.read(f, offset, 1024 * 1024, maxLines - out.size());
                if (chunk.lines().isEmpty()) {
                    break;
                }
                for (RawChunk.Line line : chunk.lines()) {
                    Entry e = decode(chunk.buffer(), line);
                    if (e != null) {
                        out.add(new Located(e, name, line.fileOffset() + line.length() + 1));
                    }
                }
                offset = chunk.endOffset();
            }
            if (out.size() >= maxLines) {
                break;
            }
        }
        return out;
    }

    static byte[] encode(Entry e) {
        ObjectNode n = e.event().toJson();
        n.put("raw_file", e.position().file()).put("raw_offset", e.position().offset()).put("cause", e.cause());
        return (n + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /** The entry of a line, or null for a torn line (left by a crash mid-write; its event is decided again). */
    private static Entry decode(byte[] buffer, RawChunk.Line line) {
        try {
            JsonNode n = AlertEvent.JSON.readTree(buffer, line.start(), line.length());
            return new Entry(AlertEvent.fromJson(n), new RawPosition(n.path("raw_file").asText(null),
                    n.path("raw_offset").asLong()), n.path("cause").asText("reading"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private FileChannel channel(String name) throws IOException {
        if (channel != null && name.equals(openName)) {
            return channel;
        }
        close();
        Files.createDirectories(dir);
        FileChannel ch = FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.READ);
        ch.position(ch.size());
        RawFiles.endTornLine(ch);
        channel = ch;
        openName = name;
        return ch;
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // discarded either way; the next append reopens the file and repairs its tail
            }
            channel = null;
            openName = null;
        }
    }
}
