package io.edgecollector.collector.cli;

import io.edgecollector.collector.CollectorMain;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.ConfigLoader;
import io.edgecollector.collector.config.Setting;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The configuration options every command shares: --config FILE plus one flag per setting
 * (generated from {@link Setting}, so flags, environment variables and YAML keys agree).
 */
public final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "YAML configuration file (default: $COLLECTOR_CONFIG when set)")
    Path file;

    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    /** Adds a flag for every setting to a command that mixes these options in. */
    public static void addSettingFlags(CommandSpec spec) {
        for (Setting s : Setting.values()) {
            String shownDefault = s.defaultValue().isEmpty() ? "" : ", default " + s.defaultValue();
            spec.addOption(OptionSpec.builder(s.flag())
                    .paramLabel("<" + s.key().replaceAll(".*\\.", "") + ">")
                    .type(String.class)
                    .description(s.description() + " (env " + s.env() + shownDefault + ")")
                    .build());
        }
    }

    public CollectorConfig load() {
        return load(Map.of());
    }

    /** Loads the configuration over the given defaults instead of the built-in ones. */
    public CollectorConfig load(Map<Setting, String> defaults) {
        Map<String, String> env = CollectorMain.environment(mixee);
        Map<String, String> flags = new HashMap<>();
        for (Setting s : Setting.values()) {
            OptionSpec option = mixee.findOption(s.flag());
            if (option != null && option.getValue() != null) {
                flags.put(s.flag(), option.getValue());
            }
        }
        Path config = file;
        if (config == null && env.get("COLLECTOR_CONFIG") != null && !env.get("COLLECTOR_CONFIG").isBlank()) {
            config = Path.of(env.get("COLLECTOR_CONFIG"));
        }
        return ConfigLoader.load(config, env, flags, defaults);
    }
}
