package io.edgecollector.collector.cli;

import io.edgecollector.collector.MessagePath;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.history.CsvFormat;
import io.edgecollector.collector.history.HistoryImport;
import io.edgecollector.collector.postgres.Database;
import io.edgecollector.collector.parse.Quality;
import io.edgecollector.common.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `collector import FILE...`: history from CSV or JSONL, through the raw log into PostgreSQL. */
@Command(name = "import", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Imports history from CSV (as spreadsheets and data loggers write it) or JSONL (any accepted "
                + "message shape per line): every line becomes a line of the import's own raw file under "
                + "<raw_dir>/import/, then readings in PostgreSQL with quality flags.",
                "Importing the same file with the same options again adds nothing; an import cut short is finished "
                        + "by running it again. A bad line is a rejection naming its line number and why; it never "
                        + "stops the import.",
                "Example (the occupancy dataset): collector import --device room-1 --zone +01:00 "
                        + "--columns Temperature=temperature,CO2=co2 --unit temperature=C datatest.txt"})
public final class ImportCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--format", paramLabel = "csv|jsonl", description = "default: jsonl for .jsonl/.json files, csv otherwise")
    String format;

    @Option(names = "--separator", paramLabel = "SEP", description = "',', ';' or 'tab' (default: told from the header line)")
    String separator;

    @Option(names = "--decimal-comma", description = "values are written 21,5 (a '.' is then a thousands separator)")
    boolean decimalComma;

    @Option(names = "--layout", paramLabel = "wide|long", defaultValue = "wide",
            description = "wide: a column per metric, for the --device; long: sensor, metric, time and value columns (default: ${DEFAULT-VALUE})")
    String layout;

    @Option(names = "--device", paramLabel = "ID", description = "wide layout: the sensor id of every reading (default: the file name without extension)")
    String device;

    @Option(names = "--time-column", paramLabel = "NAME", description = "the timestamp column, or the time of day with --date-column (default: the first column)")
    String timeColumn;

    @Option(names = "--date-column", paramLabel = "NAME", description = "the date, when date and time stand in two columns")
    String dateColumn;

    @Option(names = "--time-pattern", paramLabel = "PATTERN", description = "pattern of the time column, e.g. 'dd/MM/yyyy HH:mm' or, with --date-column, 'HH.mm.ss' (default: ISO-8601 or epoch seconds/ms)")
    String timePattern;

    @Option(names = "--date-pattern", paramLabel = "PATTERN", description = "pattern of the --date-column, e.g. d/MM/yyyy (default: ISO yyyy-MM-dd)")
    String datePattern;

    @Option(names = "--zone", paramLabel = "ZONE", defaultValue = "UTC", description = "zone of local times, e.g. Europe/Berlin or +01:00 (default: ${DEFAULT-VALUE})")
    String zone;

    @Option(names = "--missing", paramLabel = "VALUE", split = ",", description = "values that mean no reading, e.g. -200")
    List<Double> missing = new ArrayList<>();

    @Option(names = "--columns", paramLabel = "COL[=METRIC]", split = ",", description = "wide layout: the metric columns to take, each optionally renamed (default: every column but the time)")
    List<String> columns = new ArrayList<>();

    @Option(names = "--unit", paramLabel = "METRIC=UNIT", split = ",", description = "the unit of a metric, e.g. temperature=C")
    Map<String, String> units = new LinkedHashMap<>();

    @Option(names = "--sensor-column", defaultValue = "sensor_id", description = "long layout (default: ${DEFAULT-VALUE})")
    String sensorColumn;

    @Option(names = "--metric-column", defaultValue = "metric", description = "long layout (default: ${DEFAULT-VALUE})")
    String metricColumn;

    @Option(names = "--value-column", defaultValue = "value", description = "long layout (default: ${DEFAULT-VALUE})")
    String valueColumn;

    @Option(names = "--unit-column", description = "long layout: the unit column, if any")
    String unitColumn;

    @Option(names = "--charset", defaultValue = "UTF-8", description = "text encoding of CSV files, e.g. windows-1252 (default: ${DEFAULT-VALUE})")
    String charset;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "CSV or JSONL files")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("import: " + f + ": no such file");
            }
        }
        CollectorConfig config = options.load();
        MessagePath path = MessagePath.of(config);
        Charset cs = charset();
        PrintWriter out = spec.commandLine().getOut();
        int failed = 0;
        try (Database db = new Database(config)) {
            db.prepare(path.registry());
            for (Path f : files) {
                HistoryImport history = new HistoryImport(csvFormat(f), cs, path.processor(), db.pool(), config.rawDir(),
                        config.maxPayloadBytes());
                HistoryImport.Summary s;
                try (Progress progress = Progress.start("import " + f.getFileName(), Progress.Unit.LINES, lines(f))) {
                    s = history.run(f, progress::add);
                } catch (IOException | IllegalArgumentException e) {
                    failed++;
                    spec.commandLine().getErr().println("import " + f + ": failed: " + e.getMessage());
                    spec.commandLine().getErr().flush();
                    continue;
                }
                out.println(summary(f, s));
                out.flush();
            }
        }
        return failed == 0 ? 0 : 1;
    }

    private Charset charset() {
        try {
            return Charset.forName(charset);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--charset " + charset + ": unknown charset");
        }
    }

    /** The CSV layout asked for, or null for a JSONL file. */
    private CsvFormat csvFormat(Path f) {
        String name = f.getFileName().toString().toLowerCase(Locale.ROOT);
        String kind = format != null ? format : name.endsWith(".jsonl") || name.endsWith(".json") ? "jsonl" : "csv";
        if (kind.equals("jsonl")) {
            return null;
        }
        if (!kind.equals("csv")) {
            throw new IllegalArgumentException("--format " + format + ": expected csv or jsonl");
        }
        if (!layout.equals("wide") && !layout.equals("long")) {
            throw new IllegalArgumentException("--layout " + layout + ": expected wide or long");
        }
        Map<String, String> picked = new LinkedHashMap<>();
        for (String c : columns) {
            int eq = c.indexOf('=');
            picked.put(eq < 0 ? c.strip() : c.substring(0, eq).strip(), eq < 0 ? c.strip() : c.substring(eq + 1).strip());
        }
        String stem = f.getFileName().toString().replaceFirst("\\.[^.]*$", "");
        boolean twoColumns = dateColumn != null;
        return new CsvFormat(separator(), decimalComma, layout.equals("wide"), device != null ? device : stem,
                twoColumns ? dateColumn : timeColumn, twoColumns ? (timeColumn != null ? timeColumn : "time") : null,
                twoColumns ? datePattern : timePattern, twoColumns ? timePattern : null, zoneId(),
                missing, picked, units, sensorColumn, metricColumn, valueColumn, unitColumn);
    }

    private char separator() {
        if (separator == null) {
            return 0;
        }
        return switch (separator) {
            case ",", ";" -> separator.charAt(0);
            case "tab", "\\t", "\t" -> '\t';
            default -> throw new IllegalArgumentException("--separator " + separator + ": expected ',', ';' or 'tab'");
        };
    }

    private ZoneId zoneId() {
        try {
            return ZoneId.of(zone);
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("--zone " + zone + ": " + e.getMessage());
        }
    }

    /** How many lines the file has, for the progress bar. */
    private static long lines(Path f) throws IOException {
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = Files.newInputStream(f)) {
            for (int r; (r = in.read(buf)) > 0; ) {
                for (int i = 0; i < r; i++) {
                    if (buf[i] == '\n') {
                        n++;
                    }
                }
            }
        }
        return n;
    }

    private static String summary(Path f, HistoryImport.Summary s) {
        if (s.alreadyImported()) {
            return String.format(Locale.ROOT, "%s: already imported (%s): new_rows=%d", f, s.rawFile().getFileName(), s.newRows());
        }
        StringBuilder q = new StringBuilder();
        for (Quality quality : Quality.values()) {
            long n = s.byQuality().getOrDefault(quality, 0L);
            if (n > 0) {
                q.append(' ').append(quality.label()).append('=').append(n);
            }
        }
        return String.format(Locale.ROOT, "%s: lines=%d readings=%d (%s) rejections=%d new_rows=%d raw_file=%s",
                f, s.sourceLines(), s.readings(), q.toString().strip(), s.rejections(), s.newRows(), s.rawFile());
    }
}
