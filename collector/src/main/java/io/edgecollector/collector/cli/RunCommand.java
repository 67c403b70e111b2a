package io.edgecollector.collector.cli;

import io.edgecollector.collector.Collector;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.ops.StatusLog;
import io.edgecollector.collector.ops.StatusServer;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** `collector run`: the daemon. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the collector: subscribes to the topics, validates every message, appends it to the "
                + "daily raw JSONL file and fsyncs before acknowledging it to the broker.",
                "Stops cleanly on SIGTERM or Ctrl-C: stops intake, flushes, acknowledges, disconnects."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger LOG = LoggerFactory.getLogger(RunCommand.class);
    /** The daemon keeps trying to reach the broker for as long as it runs. */
    private static final Duration UNTIL_STOPPED = Duration.ofDays(36_500);

    @Mixin
    ConfigOptions options;

    @Override
    public Integer call() throws Exception {
        CollectorConfig config = options.load();
        LOG.info("event=config {}", config.oneLine());
        CollectorMetrics metrics = new CollectorMetrics();
        try (Collector collector = new Collector(config, metrics, Clock.systemUTC());
             AutoCloseable http = serve(config, metrics, collector);
             StatusLog status = StatusLog.start(config.statusInterval(), metrics, collector)) {
            Termination termination = new Termination(collector::requestStop);
            Hangup.onSignal(() -> collector.reload(options.load()));
            collector.start(UNTIL_STOPPED);
            termination.await();
            LOG.info("event=stopping received={} acked={}", metrics.received(), metrics.acked());
        }
        return 0;
    }

    /** /metrics, /health and /ready on http_port, up before the broker is reached (so a stuck start is visible). */
    private static AutoCloseable serve(CollectorConfig config, CollectorMetrics metrics, Collector collector) {
        metrics.watch(collector::backlogBytes, collector::backlogMessages, collector::isSubscribed,
                collector::isDatabaseReady);
        if (config.httpPort() == 0) {
            return () -> { };
        }
        metrics.watchAlerts(collector.alerting().engine()::firingByRule);
        StatusServer server = StatusServer.start(config.httpPort(), metrics.registryWithJvm(), collector);
        server.addJson("/alerts", collector.alerting()::activeJson);
        LOG.info("event=http_listening port={} paths=/metrics,/health,/ready,/alerts", server.port());
        return server;
    }
}
