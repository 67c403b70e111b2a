package io.edgecollector.collector.cli;

import io.edgecollector.collector.MessagePath;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.postgres.Checkpoints;
import io.edgecollector.collector.rawlog.LineSource;
import io.edgecollector.collector.postgres.Database;
import io.edgecollector.collector.postgres.RawFileLoader;
import io.edgecollector.common.Progress;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** `collector replay FILE...`: loads raw JSONL files into PostgreSQL. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = {"Loads raw JSONL files into PostgreSQL, from each file's load checkpoint onwards "
                + "(e.g. after restoring a database), through the same parsing and quality flags as the daemon.",
                "Idempotent: readings already stored and rejections already recorded are not stored again."})
public final class ReplayCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Option(names = "--from-start", description = "ignore the checkpoints and read every file from its first line")
    boolean fromStart;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "raw files (raw_YYYYMMDD[_instance].jsonl)")
    List<Path> files;

    @Override
    public Integer call() throws Exception {
        for (Path f : files) {
            if (!Files.isRegularFile(f)) {
                throw new IllegalArgumentException("replay: " + f + ": no such file");
            }
        }
        CollectorConfig config = options.load();
        MessagePath path = MessagePath.of(config);
        PrintWriter out = spec.commandLine().getOut();
        try (Database db = new Database(config)) {
            db.prepare(path.registry());
            RawFileLoader loader = new RawFileLoader(db.pool(), LineSource.filesOnly(path.processor()));
            for (Path f : files) {
                long from = fromStart ? 0 : checkpoint(db, f);
                RawFileLoader.Result r;
                try (Progress progress = Progress.start("replay " + f.getFileName(), Progress.Unit.BYTES,
                        Math.max(0, Files.size(f) - from))) {
                    r = loader.load(f, from, () -> false, progress::add);
                }
                out.printf("%s: from byte %d: lines=%d readings=%d new_rows=%d rejections=%d torn_lines=%d%n",
                        f, from, r.lines(), r.readings(), r.inserted(), r.rejections(), r.tornLines());
                out.flush();
            }
        }
        return 0;
    }

    private static long checkpoint(Database db, Path f) throws java.sql.SQLException {
        try (Connection c = db.pool().getConnection()) {
            return Checkpoints.of(c, f.getFileName().toString());
        }
    }
}
