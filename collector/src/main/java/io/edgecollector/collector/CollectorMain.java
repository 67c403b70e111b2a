package io.edgecollector.collector;

import io.edgecollector.collector.cli.CheckConfigCommand;
import io.edgecollector.collector.cli.CompactCommand;
import io.edgecollector.collector.cli.ConfigOptions;
import io.edgecollector.collector.cli.DbCommand;
import io.edgecollector.collector.cli.DemoHintCommand;
import io.edgecollector.collector.cli.ImportCommand;
import io.edgecollector.collector.cli.ReplayCommand;
import io.edgecollector.collector.cli.RunCommand;
import io.edgecollector.collector.config.ConfigException;
import io.edgecollector.collector.validate.Validators;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine;

/** Entry point: `java -jar collector.jar <command>`. */
@Command(name = "collector", mixinStandardHelpOptions = true, version = "edge-collector 0.1.0",
        description = "MQTT edge collector: durable raw JSONL, PostgreSQL loading, Parquet compaction.")
public final class CollectorMain {
    public static final int EXIT_CONFIG = 2;

    /** The subcommands, in the order the usage help lists them. */
    private static final List<Class<?>> COMMANDS = List.of(RunCommand.class, CompactCommand.class, ReplayCommand.class,
            ImportCommand.class, DbCommand.class, CheckConfigCommand.class, DemoHintCommand.class,
            CommandLine.HelpCommand.class);

    @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "print stack traces with errors")
    boolean verbose;

    private final Map<String, String> env;

    private CollectorMain(Map<String, String> env) {
        this.env = Map.copyOf(env);
    }

    public static void main(String[] args) {
        Validators.preload();
        System.exit(run(args));
    }

    public static int run(String... args) {
        return run(System.getenv(), args);
    }

    /** Runs a command with the given environment (tests pass their own). */
    public static int run(Map<String, String> env, String... args) {
        return run(env, List.of(), args);
    }

    /**
     * Runs a command with more subcommands, which replace those of the same name (the demo
     * module's jar puts its `demo` in place of the one that says where the demo is).
     */
    public static int run(Map<String, String> env, List<Object> subcommands, String... args) {
        return commandLine(env, subcommands, args).execute(args);
    }

    /** The command line that runs args: only the subcommand they name, when they name one (see {@link #invoked}). */
    static CommandLine commandLine(Map<String, String> env, List<Object> subcommands, String... args) {
        return commandLine(env, subcommands, invoked(args));
    }

    /** The command line with every subcommand. */
    public static CommandLine commandLine(Map<String, String> env) {
        return commandLine(env, List.of(), (String) null);
    }

    /**
     * The subcommand the arguments name, when they start with one that is not `help`; null
     * otherwise (options first, help, a name that is not a command: then every subcommand is
     * built, for the usage help and picocli's suggestions).
     */
    private static String invoked(String[] args) {
        if (args.length == 0 || args[0].startsWith("-") || args[0].equals("help")) {
            return null;
        }
        for (Class<?> c : COMMANDS) {
            if (args[0].equals(c.getAnnotation(Command.class).name())) {
                return args[0];
            }
        }
        return null;
    }

    /**
     * Builds only the invoked subcommand when one is named (picocli reads every option of
     * every subcommand it is given, and the setting flags are many: about 0.15 s of a start);
     * every subcommand otherwise.
     */
    private static CommandLine commandLine(Map<String, String> env, List<Object> subcommands, String invoked) {
        CollectorMain main = new CollectorMain(env);
        CommandLine cl = new CommandLine(main);
        for (Class<?> c : COMMANDS) {
            if (invoked == null || invoked.equals(c.getAnnotation(Command.class).name())) {
                cl.addSubcommand(new CommandLine(c));
            }
        }
        for (Object sub : subcommands) {
            CommandLine added = new CommandLine(sub);
            if (invoked != null && !invoked.equals(added.getCommandName())) {
                continue;
            }
            cl.getCommandSpec().removeSubcommand(added.getCommandName());
            cl.addSubcommand(added);
        }
        addSettingFlags(cl);
        cl.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            boolean config = e instanceof ConfigException;
            commandLine.getErr().println((config ? "config error: " : "error: ") + oneLine(e));
            if (main.verbose) {
                e.printStackTrace(commandLine.getErr());
            }
            commandLine.getErr().flush();
            return config ? EXIT_CONFIG : 1;
        });
        return cl;
    }

    private static void addSettingFlags(CommandLine cl) {
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandSpec spec = sub.getCommandSpec();
            if (spec.mixins().values().stream().anyMatch(m -> m.userObject() instanceof ConfigOptions)) {
                ConfigOptions.addSettingFlags(spec);
                spec.usageMessage().abbreviateSynopsis(true);
            }
            addSettingFlags(sub);
        }
    }

    /** The environment the command line was started with. */
    public static Map<String, String> environment(CommandSpec spec) {
        return ((CollectorMain) spec.root().userObject()).env;
    }

    /** The root cause of an error, in one line. */
    public static String oneLine(Throwable e) {
        if (e instanceof ConfigException) {
            return e.getMessage();
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.lines().findFirst().orElse(message);
    }
}
