package io.edgecollector.collector;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** A command names its subcommand first: only that one is built, and it is the same as when all are. */
class CollectorMainTest {
    private static final Set<String> ALL = CollectorMain.commandLine(Map.of()).getSubcommands().keySet();

    @Test
    void aNamedSubcommand_isTheOnlyOneBuilt_andReadsAsWhenAllAre() {
        CommandLine all = CollectorMain.commandLine(Map.of());
        for (String name : ALL) {
            if (name.equals("help")) {
                continue;
            }
            CommandLine lazy = CollectorMain.commandLine(Map.of(), List.of(), name, "--date", "2026-12-01");
            assertEquals(Set.of(name), lazy.getSubcommands().keySet(), name);
            assertEquals(all.getSubcommands().get(name).getUsageMessage(), lazy.getSubcommands().get(name).getUsageMessage(),
                    name + ": the same options, setting flags among them");
        }
    }

    @Test
    void help_optionsFirst_orAnUnknownName_buildEverySubcommand() {
        for (String[] args : List.of(new String[] {"help", "compact"}, new String[] {"--verbose", "compact"},
                new String[] {"compcat"}, new String[] {})) {
            assertEquals(ALL, CollectorMain.commandLine(Map.of(), List.of(), args).getSubcommands().keySet(), String.join(" ", args));
        }
    }
}
