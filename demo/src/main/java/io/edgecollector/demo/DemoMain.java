package io.edgecollector.demo;

import io.edgecollector.collector.CollectorMain;
import java.util.List;

/**
 * `java -jar demo/target/edge-demo.jar [demo options]`: the collector's command line with the
 * real `demo` (collector + simulator, embedded services when none answer); with no arguments it
 * runs `demo`.
 */
public final class DemoMain {
    private DemoMain() {
    }

    public static void main(String[] args) {
        // the collector configures logging in code; HiveMQ, finding no logback.xml in its conf folder, keeps
        // that configuration and says so at WARN: quiet that one line
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("com.hivemq.bootstrap.LoggingBootstrap"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        System.exit(CollectorMain.run(System.getenv(), List.of(new DemoCommand()),
                args.length == 0 ? new String[] {"demo"} : args));
    }
}
