package io.edgecollector.demo;

import io.edgecollector.collector.CollectorMain;

/**
 * `java -jar demo/target/edge-demo.jar [demo options]`: the collector's command line with
 * embedded services on the class path; with no arguments it runs `demo`.
 */
public final class DemoMain {
    private DemoMain() {
    }

    public static void main(String[] args) {
        // HiveMQ's jar carries a logback.xml too: name the collector's, and skip logback's report of the clash
        String collectorJar = CollectorMain.class.getProtectionDomain().getCodeSource().getLocation().toString();
        System.setProperty("logback.configurationFile", "jar:" + collectorJar + "!/logback.xml");
        System.setProperty("logback.statusListenerClass", "ch.qos.logback.core.status.NopStatusListener");
        System.exit(CollectorMain.run(args.length == 0 ? new String[] {"demo"} : args));
    }
}
