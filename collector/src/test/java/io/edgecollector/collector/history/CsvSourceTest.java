package io.edgecollector.collector.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
    @TempDir
    Path dir;

    static CsvFormat wide(char sep, boolean decimalComma, String time, String clock, String datePattern, String timePattern,
                          String zone, List<Double> missing, Map<String, String> columns) {
        return new CsvFormat(sep, decimalComma, true, "dev-1", time, clock, datePattern, timePattern, ZoneId.of(zone),
                missing, columns, Map.of("temperature", "C"), "sensor_id", "metric", "value", null);
    }

    List<SourceLine> read(CsvFormat format, byte[] content, Charset charset) throws Exception {
        Path f = dir.resolve("data.csv");
        Files.write(f, content);
        List<SourceLine> out = new ArrayList<>();
        new CsvSource(format, charset).read(f, out::add);
        return out;
    }

    List<SourceLine> read(CsvFormat format, String content) throws Exception {
        return read(format, content.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8);
    }

    static List<String> readings(SourceLine l) {
        List<String> out = new ArrayList<>();
        JsonNode p = l.payload();
        for (JsonNode r : p.isArray() ? p : List.of(p)) {
            out.add(r.get("sensor_id").asText() + "/" + r.get("metric").asText() + "@" + r.get("ts").asText() + "="
                    + (r.get("value").isNull() ? "null" : r.get("value").asText())
                    + (r.has("unit") ? " " + r.get("unit").asText() : ""));
        }
        return out;
    }

    @Test
    void occupancyShape_withBomAndQuotes_givesAReadingPerPickedColumn_renamed_inTheZone() throws Exception {
        String csv = "\uFEFF\"Date\",\"Temperature\",\"Humidity\",\"CO2\"\n"
                + "\"2015-02-02 14:19:00\",23.7,26.272,749.2\n";
        Map<String, String> columns = new LinkedHashMap<>();
        columns.put("Temperature", "temperature");
        columns.put("CO2", "co2");
        List<SourceLine> lines = read(wide((char) 0, false, null, null, null, null, "+01:00", List.of(), columns), csv);
        assertEquals(1, lines.size());
        assertEquals(2, lines.get(0).number());
        assertEquals(List.of("dev-1/temperature@2015-02-02T13:19:00Z=23.7 C", "dev-1/co2@2015-02-02T13:19:00Z=749.2"),
                readings(lines.get(0)));
    }

    @Test
    void semicolonsDecimalCommaAndTwoColumnTime_withPatterns() throws Exception {
        String csv = "Date;Time;CO(GT);T\n10/03/2004;18.00.00;2,6;13,6\n10/03/2004;19.00.00;-200;1.013,5\n";
        List<SourceLine> lines = read(wide((char) 0, true, "Date", "Time", "d/MM/yyyy", "HH.mm.ss", "UTC", List.of(-200.0),
                Map.of()), csv);
        assertEquals(List.of("dev-1/CO(GT)@2004-03-10T18:00:00Z=2.6", "dev-1/T@2004-03-10T18:00:00Z=13.6"), readings(lines.get(0)));
        assertEquals(List.of("dev-1/CO(GT)@2004-03-10T19:00:00Z=null", "dev-1/T@2004-03-10T19:00:00Z=1013.5"),
                readings(lines.get(1)), "-200 means no reading; '.' groups thousands");
    }

    @Test
    void badLines_areErrorsNamingLineAndColumn_andNeverStopTheFile() throws Exception {
        String csv = "time,a,b\n"
                + "2026-01-01T00:00:00Z,1,2\n"
                + "\n"
                + "2026-01-01T00:01:00Z,\"1,5\",x\n"
                + "2026-01-01T00:02:00Z,3\n"
                + "31/02/2026,1,2\n"
                + "2026-01-01T00:03:00Z,4,5\n";
        List<SourceLine> lines = read(wide(',', false, null, null, null, null, "UTC", List.of(), Map.of()), csv);
        assertEquals(List.of(2L, 4L, 5L, 6L, 7L), lines.stream().map(SourceLine::number).toList(), "the empty line 3 is skipped");
        assertEquals(List.of("line 4: column a: value '1,5' is not a number (a decimal comma? use --decimal-comma)",
                "line 4: column b: value 'x' is not a number"), lines.get(1).errors());
        assertEquals(List.of("line 5: column b: missing (the line has 2 fields)"), lines.get(2).errors());
        assertEquals(List.of("dev-1/a@2026-01-01T00:02:00Z=3.0"), readings(lines.get(2)), "a ragged line keeps what it has");
        assertTrue(lines.get(3).errors().get(0).startsWith("line 6: time '31/02/2026' cannot be read"), lines.get(3).errors().toString());
        assertEquals(List.of("dev-1/a@2026-01-01T00:03:00Z=4.0", "dev-1/b@2026-01-01T00:03:00Z=5.0"), readings(lines.get(4)));
    }

    @Test
    void datesThatDoNotExist_andTimesTheClocksSkipped_areRejected_aRepeatedHourTakesItsFirstOccurrence() throws Exception {
        String csv = "day,clock,t\n31/02/2026,10.00.00,1\n29/03/2026,02.30.00,2\n25/10/2026,02.30.00,3\n";
        List<SourceLine> lines = read(wide(',', false, "day", "clock", "dd/MM/yyyy", "HH.mm.ss", "Europe/Berlin", List.of(),
                Map.of()), csv);
        assertTrue(lines.get(0).errors().get(0).startsWith("line 2: date '31/02/2026' does not exist"), lines.get(0).errors().toString());
        assertEquals(List.of("line 3: time '29/03/2026 02.30.00' does not exist in Europe/Berlin (clocks moved forward from 02:00 to 03:00)"),
                lines.get(1).errors());
        assertEquals(List.of("dev-1/t@2026-10-25T00:30:00Z=3.0"), readings(lines.get(2)), "02:30 CEST, the first of the two");
    }

    @Test
    void textNotInTheCharset_isAnErrorNamingTheLine_andTheRightCharsetReadsIt() throws Exception {
        byte[] latin1 = "time,temp\u00e9rature\n2026-01-01T00:00:00Z,1\n2026-01-01T00:01:00Z,caf\u00e9\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        List<SourceLine> asUtf8 = read(wide(',', false, null, null, null, null, "UTC", List.of(), Map.of()), latin1,
                StandardCharsets.UTF_8);
        assertEquals(List.of("line 3: text is not UTF-8 (choose the file's --charset)"), asUtf8.get(1).errors());
        List<SourceLine> asLatin1 = read(wide(',', false, null, null, null, null, "UTC", List.of(), Map.of()), latin1,
                StandardCharsets.ISO_8859_1);
        assertEquals(List.of("dev-1/temp\u00e9rature@2026-01-01T00:00:00Z=1.0"), readings(asLatin1.get(0)));
        assertEquals(List.of("line 3: column temp\u00e9rature: value 'caf\u00e9' is not a number"), asLatin1.get(1).errors());
    }

    @Test
    void longLayout_andAMissingColumn() throws Exception {
        CsvFormat long_ = new CsvFormat('\t', false, false, null, "time", null, null, null, ZoneId.of("UTC"), List.of(),
                Map.of(), Map.of(), "sensor", "metric", "value", "unit");
        List<SourceLine> lines = read(long_, "sensor\tmetric\ttime\tvalue\tunit\ns-1\tpressure\t1767225600\t1013.2\thPa\n");
        assertEquals(List.of("s-1/pressure@2026-01-01T00:00:00Z=1013.2 hPa"), readings(lines.get(0)));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> read(long_, "sensor\tmetric\ttime\tval\ns-1\tp\t1767225600\t1\n"));
        assertTrue(e.getMessage().endsWith("line 1: no column 'value' (the header has [sensor, metric, time, val])"), e.getMessage());
    }
}
