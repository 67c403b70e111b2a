package io.edgecollector.collector.cli;

import io.edgecollector.collector.MessagePath;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.kafka.KafkaOutput;
import io.edgecollector.collector.lake.AlreadyValidated;
import io.edgecollector.collector.lake.DayCompactor;
import io.edgecollector.collector.lake.Manifest;
import io.edgecollector.collector.lake.Retention;
import io.edgecollector.collector.postgres.Checkpoints;
import io.edgecollector.collector.postgres.Database;
import io.edgecollector.collector.rawlog.ImportFiles;
import io.edgecollector.collector.rawlog.RawFiles;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.common.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import org.apache.kafka.common.KafkaException;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** `collector compact`: closed days of raw JSONL into the Parquet lake, then retention. */
@Command(name = "compact", mixinStandardHelpOptions = true,
        description = {"Compacts closed days (UTC) of raw JSONL, every instance's files, into "
                + "<lake_dir>/measurements/date=YYYY-MM-DD/ and <lake_dir>/rollups_1h/date=YYYY-MM-DD/ (Parquet, zstd), "
                + "through the same parsing and quality flags as the daemon.",
                "Idempotent (a re-run replaces the day with the same content) and atomic (written aside, checked, "
                + "then renamed into place). Then applies retention.compress_after / retention.delete_after to raw files "
                + "that are compacted and loaded into PostgreSQL.",
                "Exit codes: 0 done (or nothing to do), 1 a day failed, 2 bad configuration or arguments."},
        footer = {"", "Cron (01:15 UTC every day):",
                "  15 1 * * *  cd /opt/edge-collector && java -jar collector.jar compact --config config/collector.yaml"})
public final class CompactCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    static final class Days {
        @Option(names = "--date", paramLabel = "YYYY-MM-DD", description = "the day to compact (default: yesterday, UTC)")
        String date;

        @Option(names = "--all", description = "every closed day that has raw files")
        boolean all;
    }

    @ArgGroup(exclusive = true)
    Days days;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        CollectorConfig config = options.load();
        LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
        MessagePath path = MessagePath.of(config);
        MessageProcessor processor = path.processor();
        List<ImportFiles.Entry> imports = ImportFiles.entries(config.rawDir(), processor);
        List<LocalDate> targets = targets(config, today, imports);
        DayCompactor compactor = new DayCompactor(config.rawDir(), config.lakeDir(), processor,
                path.processor(config, AlreadyValidated.INSTANCE));
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        int failed = 0;
        if (!targets.isEmpty()) {
            String what = targets.size() == 1 ? "compact " + targets.get(0) : "compact " + targets.size() + " days";
            List<DayCompactor.Outcome> outcomes;
            try (Progress progress = Progress.start(what, Progress.Unit.BYTES, compactor.bytesToRead(targets, imports))) {
                outcomes = compactor.compact(targets, imports, progress::add);
            }
            for (DayCompactor.Outcome o : outcomes) {
                if (o.failure() != null) {
                    failed++;
                    err.println("compact " + o.day() + ": failed: " + o.failure());
                } else {
                    report(out, o.day(), o.result());
                }
            }
            out.flush();
            err.flush();
        }
        if (targets.isEmpty()) {
            out.println("compact: no closed day with raw files in " + config.rawDir());
        }
        retention(config, today, out, err);
        return failed == 0 ? 0 : 1;
    }

    /**
     * --date: that day. --all: every closed day with daily raw files or imported readings.
     * Default: yesterday, and every closed day an import changed since it was compacted.
     */
    private List<LocalDate> targets(CollectorConfig config, LocalDate today, List<ImportFiles.Entry> imports)
            throws IOException {
        if (days != null && days.all) {
            SortedSet<LocalDate> all = new TreeSet<>(RawFiles.days(config.rawDir()));
            all.addAll(DayCompactor.byDay(imports).keySet());
            return all.stream().filter(d -> d.isBefore(today)).toList();
        }
        LocalDate day = today.minusDays(1);
        if (days != null && days.date != null) {
            try {
                day = LocalDate.parse(days.date);
            } catch (DateTimeParseException e) {
                throw new ParameterException(spec.commandLine(), "--date '" + days.date + "' is not a date (YYYY-MM-DD)");
            }
            if (!day.isBefore(today)) {
                throw new ParameterException(spec.commandLine(), "--date " + day + " is not closed yet (today is "
                        + today + " UTC); only closed days are compacted");
            }
            return List.of(day);
        }
        SortedSet<LocalDate> due = new TreeSet<>(DayCompactor.outOfDate(config.lakeDir(), imports, today));
        due.add(day);
        return List.copyOf(due);
    }

    private static void report(PrintWriter out, LocalDate day, DayCompactor.Result r) {
        if (r == null) {
            out.println("compact " + day + ": no raw files");
            return;
        }
        Manifest m = r.manifest();
        out.printf("compact %s: files=%d lines=%d readings=%d rows=%d duplicates=%d rejections=%d torn_lines=%d "
                        + "rollup_rows=%d parquet=%d bytes (%.1f%% of %d raw bytes) in %.2fs (%.0f lines/s)%n",
                day, m.sources().size(), m.lines(), m.readings(), m.rows(), m.duplicates(), m.rejections(), m.tornLines(),
                m.rollupRows(), r.parquetBytes(), 100.0 * r.parquetBytes() / Math.max(1, r.rawBytes()), r.rawBytes(),
                r.seconds(), m.lines() / Math.max(r.seconds(), 1e-9));
    }

    private static void retention(CollectorConfig config, LocalDate today, PrintWriter out, PrintWriter err) throws Exception {
        if (config.compressAfter() == null && config.deleteAfter() == null) {
            return;
        }
        LocalDate compressBefore = config.compressAfter() == null ? null : today.minusDays(config.compressAfter().toDays());
        LocalDate deleteBefore = config.deleteAfter() == null ? null : today.minusDays(config.deleteAfter().toDays());
        try (Database db = new Database(config); Connection c = db.pool().getConnection()) {
            List<Retention.Follower> followers = new ArrayList<>();
            followers.add(new Retention.Follower("loaded into the database", (name, size) -> {
                try {
                    return Checkpoints.of(c, name) >= size;
                } catch (SQLException e) {
                    return false;
                }
            }));
            if (config.kafka().enabled()) {
                try {
                    followers.add(new Retention.Follower("forwarded to Kafka", KafkaOutput.forwarded(config), false));
                } catch (KafkaException e) {
                    err.println("retention: skipped, Kafka cannot say what is forwarded: " + e.getMessage());
                    err.flush();
                    return;
                }
            }
            Retention.Outcome o = new Retention(config.rawDir(), config.lakeDir(), followers).apply(compressBefore, deleteBefore);
            o.compressed().forEach(f -> out.println("retention: compressed " + f));
            o.deleted().forEach(f -> out.println("retention: deleted " + f));
            o.kept().forEach(f -> err.println("retention: kept " + f));
        } catch (SQLException e) {
            err.println("retention: skipped, the database cannot say what is loaded: " + e.getMessage());
        }
        out.flush();
        err.flush();
    }
}
