package io.edgecollector.collector.cli;

import io.edgecollector.collector.config.AlertRule;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** `collector check-config`: validates the configuration and prints it, secrets masked. */
@Command(name = "check-config", mixinStandardHelpOptions = true,
        description = "Validates the configuration (file, COLLECTOR_* environment, flags) and the sensor registry, "
                + "then prints the effective values with their source; secrets are masked. Exit code 2 on an error.")
public final class CheckConfigCommand implements Callable<Integer> {
    @Mixin
    ConfigOptions options;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        CollectorConfig config = options.load();
        SensorRegistry registry = SensorRegistry.load(config.sensorsFile(), Validators.shared());
        var out = spec.commandLine().getOut();
        out.print(config.describe());
        out.println("configuration OK (" + registry.size() + " sensors registered, " + config.alertRules().size()
                + " alert rules" + (config.alertRules().isEmpty() ? "" : ": " + String.join(", ",
                config.alertRules().stream().map(AlertRule::name).toList())) + ")");
        out.flush();
        return 0;
    }
}
