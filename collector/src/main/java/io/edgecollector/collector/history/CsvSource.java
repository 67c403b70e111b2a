package io.edgecollector.collector.history;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Reads a CSV file (Jackson's CSV parser: quotes, separators inside quotes, ragged lines) and
 * turns each line into readings: a wide line gives one reading per metric column for the
 * device, a long line one reading. Nothing stops the file but a quote left open: every other
 * fault (a missing column, a value that is not a number, a date that does not exist, text
 * that is not in the charset) is a {@link SourceLine} error naming the line and the column.
 */
final class CsvSource {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final char REPLACEMENT = '\uFFFD';

    private final CsvFormat format;
    private final Charset charset;
    private final TimeReader times;

    CsvSource(CsvFormat format, Charset charset) {
        this.format = format;
        this.charset = charset;
        this.times = new TimeReader(format.datePattern(), format.timePattern(), format.zone());
    }

    /** Reads the file line by line into the consumer; the header is line 1. */
    void read(Path file, Consumer<SourceLine> out) throws IOException {
        char separator = format.separator() != 0 ? format.separator() : guessSeparator(file);
        CsvMapper mapper = new CsvMapper();
        try (BufferedReader reader = reader(file);
             CsvParser parser = mapper.getFactory().createParser(reader)) {
            parser.setSchema(CsvSchema.emptySchema().withColumnSeparator(separator));
            parser.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            Header header = null;
            parser.nextToken(); // the array that wraps the file's rows
            long[] line = {0};
            while (parser.nextToken() == JsonToken.START_ARRAY) {
                List<String> cells = cells(parser, line);
                if (cells.stream().allMatch(String::isBlank)) {
                    continue;
                }
                String text = String.join(String.valueOf(separator), cells);
                if (header == null) {
                    header = header(cells, file);
                    continue;
                }
                if (text.indexOf(REPLACEMENT) >= 0) {
                    out.accept(SourceLine.bad(line[0], text, "text is not " + charset.name() + " (choose the file's --charset)"));
                    continue;
                }
                out.accept(format.wide() ? wide(line[0], text, cells, header) : narrow(line[0], text, cells, header));
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IOException(file + ": line " + e.getLocation().getLineNr() + ": " + e.getOriginalMessage(), e);
        }
    }

    private BufferedReader reader(Path file) throws IOException {
        InputStream in = Files.newInputStream(file);
        var decoder = charset.newDecoder().onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, decoder), 1 << 16);
        reader.mark(1);
        if (reader.read() != '\uFEFF') {
            reader.reset();
        }
        return reader;
    }

    private char guessSeparator(Path file) throws IOException {
        try (BufferedReader reader = reader(file)) {
            String first = reader.readLine();
            if (first == null) {
                return ',';
            }
            char best = ',';
            long most = 0;
            for (char c : new char[] {',', ';', '\t'}) {
                long n = first.chars().filter(ch -> ch == c).count();
                if (n > most) {
                    most = n;
                    best = c;
                }
            }
            return best;
        }
    }

    /** A row's cells; line[0] becomes the line it starts on (the row's own token lags a line behind). */
    private static List<String> cells(CsvParser parser, long[] line) throws IOException {
        List<String> cells = new ArrayList<>();
        for (JsonToken t = parser.nextToken(); t != null && t != JsonToken.END_ARRAY; t = parser.nextToken()) {
            if (cells.isEmpty()) {
                line[0] = parser.currentTokenLocation().getLineNr();
            }
            cells.add(parser.getText());
        }
        return cells;
    }

    /** Column positions by name, checked against what the format needs. */
    private record Header(Map<String, Integer> index, List<String> names, String time) {
        Integer of(String name) {
            return index.get(name);
        }
    }

    private Header header(List<String> cells, Path file) {
        Map<String, Integer> index = new LinkedHashMap<>();
        for (int i = 0; i < cells.size(); i++) {
            index.putIfAbsent(cells.get(i).strip(), i);
        }
        String time = format.time() != null ? format.time() : cells.get(0).strip();
        List<String> needed = new ArrayList<>();
        needed.add(time);
        if (format.clock() != null) {
            needed.add(format.clock());
        }
        if (format.wide()) {
            needed.addAll(format.columns().keySet());
        } else {
            needed.addAll(List.of(format.sensorColumn(), format.metricColumn(), format.valueColumn()));
            if (format.unitColumn() != null) {
                needed.add(format.unitColumn());
            }
        }
        for (String name : needed) {
            if (!index.containsKey(name)) {
                throw new IllegalArgumentException(file + ": line 1: no column '" + name + "' (the header has "
                        + index.keySet() + ")");
            }
        }
        return new Header(index, List.copyOf(index.keySet()), time);
    }

    private SourceLine wide(long line, String text, List<String> cells, Header header) {
        Instant ts;
        try {
            ts = time(cells, header);
        } catch (IllegalArgumentException e) {
            return SourceLine.bad(line, text, e.getMessage());
        }
        Map<String, String> columns = format.columns();
        List<String> errors = new ArrayList<>();
        ArrayNode readings = JSON.arrayNode();
        for (String column : columns.isEmpty() ? header.names() : List.copyOf(columns.keySet())) {
            if (column.equals(header.time()) || column.equals(format.clock())) {
                continue;
            }
            String metric = columns.getOrDefault(column, column);
            int at = header.of(column);
            if (at >= cells.size()) {
                errors.add("line " + line + ": column " + column + ": missing (the line has " + cells.size() + " fields)");
                continue;
            }
            try {
                readings.add(reading(format.device(), metric, ts, value(cells.get(at)), format.units().get(metric)));
            } catch (IllegalArgumentException e) {
                errors.add("line " + line + ": column " + column + ": " + e.getMessage());
            }
        }
        return new SourceLine(line, text, readings.isEmpty() ? null : readings, errors);
    }

    private SourceLine narrow(long line, String text, List<String> cells, Header header) {
        try {
            Instant ts = time(cells, header);
            String sensor = cell(cells, header, format.sensorColumn());
            String metric = cell(cells, header, format.metricColumn());
            Double value = value(cell(cells, header, format.valueColumn()));
            String unit = format.unitColumn() != null ? cell(cells, header, format.unitColumn()) : format.units().get(metric);
            ObjectNode reading = reading(sensor, metric, ts, value, unit == null || unit.isBlank() ? null : unit);
            return new SourceLine(line, text, reading, List.of());
        } catch (IllegalArgumentException e) {
            return SourceLine.bad(line, text, e.getMessage());
        }
    }

    private Instant time(List<String> cells, Header header) {
        String first = cell(cells, header, header.time());
        return format.clock() == null ? times.read(first) : times.read(first, cell(cells, header, format.clock()));
    }

    private static String cell(List<String> cells, Header header, String column) {
        int at = header.of(column);
        if (at >= cells.size()) {
            throw new IllegalArgumentException("column " + column + ": missing (the line has " + cells.size() + " fields)");
        }
        return cells.get(at).strip();
    }

    /** A cell's number: null when empty or a missing-value sentinel. */
    private Double value(String cell) {
        String t = cell.strip();
        if (t.isEmpty() || t.equalsIgnoreCase("nan")) {
            return null;
        }
        if (format.decimalComma()) {
            t = t.replace(".", "").replace(',', '.');
        }
        double v;
        try {
            v = Double.parseDouble(t);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("value '" + cell.strip() + "' is not a number"
                    + (!format.decimalComma() && cell.indexOf(',') >= 0 ? " (a decimal comma? use --decimal-comma)" : ""));
        }
        return format.missing().contains(v) ? null : v;
    }

    private static ObjectNode reading(String sensor, String metric, Instant ts, Double value, String unit) {
        ObjectNode r = JSON.objectNode();
        r.put("sensor_id", sensor);
        r.put("metric", metric);
        r.put("ts", ts.toString());
        if (value == null) {
            r.putNull("value");
        } else {
            r.put("value", value);
        }
        if (unit != null) {
            r.put("unit", unit);
        }
        return r;
    }
}
