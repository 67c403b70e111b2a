package io.edgecollector.collector.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * `collector demo` in collector.jar: says where the demo is. The demo needs the simulator, and
 * on a bare machine an embedded broker and database; collector.jar, which production runs,
 * carries none of them (edge-demo.jar runs the real `demo`).
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"The demo (collector + simulator, with an embedded broker and PostgreSQL when none answers) runs from "
                + "the demo module's jar: java -jar demo/target/edge-demo.jar [--duration 20s ...].",
                "collector.jar carries no traffic generator."})
public final class DemoHintCommand implements Callable<Integer> {
    static final String WHERE = "java -jar demo/target/edge-demo.jar";

    @Spec
    CommandSpec spec;

    /** The demo's own options (--duration, --sensors, ...), passed on in the hint. */
    @Unmatched
    List<String> demoOptions = new ArrayList<>();

    @Override
    public Integer call() {
        String options = demoOptions.isEmpty() ? "" : " " + String.join(" ", demoOptions);
        spec.commandLine().getErr().println("error: the demo is not part of collector.jar (it carries no traffic generator): run "
                + WHERE + options);
        spec.commandLine().getErr().flush();
        return 1;
    }
}
