package io.edgecollector.simulator;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/**
 * Replays a CSV of real readings (the occupancy dataset's layout: a quoted "Date" column, then
 * numeric columns) as multi-metric device messages, one per row, keeping the rows' spacing
 * divided by a speed-up. Each row is stamped when it is sent (never twice the same millisecond,
 * so no two rows share a key), unless the recorded timestamps are kept.
 */
public final class DatasetReplay {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter CSV_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** One row: when it was recorded and its numeric columns. */
    record Row(Instant recorded, String[] names, double[] values) {
    }

    private final List<Row> rows;
    private final String deviceId;
    private int position;
    private long lastStamp = Long.MIN_VALUE;
    private final boolean keepTimestamps;
    private final String topic;

    private DatasetReplay(List<Row> rows, String deviceId, boolean keepTimestamps, String topicPrefix) {
        this.rows = rows;
        this.deviceId = deviceId;
        this.keepTimestamps = keepTimestamps;
        this.topic = topicPrefix + "/" + deviceId;
    }

    /**
     * @param zone        the offset the file's local times were recorded in
     * @param topicPrefix messages go to topicPrefix/deviceId
     */
    public static DatasetReplay load(Path csv, String deviceId, ZoneOffset zone, boolean keepTimestamps,
                                     String topicPrefix) throws IOException {
        List<Row> rows = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            String header = in.readLine();
            if (header == null) {
                throw new IOException(csv + ": empty file");
            }
            String[] columns = unquote(header.split(","));
            int lineNo = 1;
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                lineNo++;
                if (line.isBlank()) {
                    continue;
                }
                rows.add(parseRow(csv, lineNo, unquote(line.split(",")), columns, zone));
            }
        }
        return new DatasetReplay(rows, deviceId, keepTimestamps, topicPrefix);
    }

    private static Row parseRow(Path csv, int lineNo, String[] cells, String[] columns, ZoneOffset zone) throws IOException {
        int dateCol = -1;
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equalsIgnoreCase("date")) {
                dateCol = i;
            }
        }
        if (dateCol < 0 || cells.length != columns.length) {
            throw new IOException(csv + ":" + lineNo + ": expected " + columns.length + " columns with a 'date' column");
        }
        List<String> names = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < cells.length; i++) {
            if (i == dateCol) {
                continue;
            }
            try {
                values.add(Double.parseDouble(cells[i]));
                names.add(snake(columns[i]));
            } catch (NumberFormatException e) {
                throw new IOException(csv + ":" + lineNo + ": column '" + columns[i] + "' is not a number: " + cells[i]);
            }
        }
        Instant recorded = LocalDateTime.parse(cells[dateCol], CSV_TIME).toInstant(zone);
        return new Row(recorded, names.toArray(String[]::new), values.stream().mapToDouble(Double::doubleValue).toArray());
    }

    public int size() {
        return rows.size();
    }

    /** Milliseconds from the first row to row i, in recorded time. */
    public long offsetMillis(int i) {
        return rows.get(i).recorded().toEpochMilli() - rows.get(0).recorded().toEpochMilli();
    }

    /** The next row as a message, or null at the end. */
    public Message next(long nowMillis) {
        if (position >= rows.size()) {
            return null;
        }
        Row row = rows.get(position++);
        long stamp = keepTimestamps ? row.recorded().toEpochMilli() : Math.max(nowMillis, lastStamp + 1);
        lastStamp = stamp;
        ObjectNode o = JSON.createObjectNode();
        o.put("device_id", deviceId);
        o.put("ts", Instant.ofEpochMilli(stamp).toString());
        for (int i = 0; i < row.names().length; i++) {
            o.put(row.names()[i], row.values()[i]);
        }
        return new Message(topic, o.toString().getBytes(StandardCharsets.UTF_8), Kind.VALID);
    }

    private static String[] unquote(String[] cells) {
        String[] out = new String[cells.length];
        for (int i = 0; i < cells.length; i++) {
            String c = cells[i].trim();
            out[i] = c.length() >= 2 && c.startsWith("\"") && c.endsWith("\"") ? c.substring(1, c.length() - 1) : c;
        }
        return out;
    }

    private static String snake(String column) {
        return column.replaceAll("([a-z])([A-Z])", "$1_$2").toLowerCase().replace(' ', '_');
    }
}
