package io.edgecollector.collector.cli;

import io.edgecollector.collector.MessagePath;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.Secret;
import io.edgecollector.collector.postgres.Database;
import io.edgecollector.collector.validate.SensorRegistry;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `collector db ...`: database administration. */
@Command(name = "db", mixinStandardHelpOptions = true, description = "Database administration.",
        subcommands = DbCommand.Migrate.class)
public final class DbCommand {

    /** `collector db migrate`. */
    @Command(name = "migrate", mixinStandardHelpOptions = true,
            description = {"Creates the database if it does not exist (and the user may), applies the versioned schema "
                    + "from sql/ (tables, partitions, views, roles), and loads the sensor registry into table sensors.",
                    "Refuses a database whose schema is newer than this collector knows."})
    public static final class Migrate implements Callable<Integer> {
        @Mixin
        ConfigOptions options;

        @Spec
        CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            CollectorConfig config = options.load();
            SensorRegistry registry = MessagePath.of(config).registry();
            try (Database db = new Database(config)) {
                String version = db.prepare(registry);
                spec.commandLine().getOut().println("schema at version " + version + " in " + Secret.maskUrl(config.dbUrl())
                        + " (" + registry.size() + " sensors registered)");
            }
            return 0;
        }
    }
}
