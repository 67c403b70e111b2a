package io.edgecollector.collector.cli;

import io.edgecollector.collector.Collector;
import io.edgecollector.collector.CollectorStatus;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.config.ConfigException;
import io.edgecollector.collector.config.Setting;
import io.edgecollector.collector.ingest.HttpIngest;
import io.edgecollector.common.MqttTls;
import java.io.IOException;
import javax.net.ssl.SSLContext;
import io.edgecollector.collector.lifecycle.Lifecycle;
import io.edgecollector.collector.lifecycle.Supervisor;
import io.edgecollector.collector.metrics.CollectorMetrics;
import io.edgecollector.collector.ops.StatusLog;
import io.edgecollector.collector.ops.StatusServer;
import io.edgecollector.collector.web.Access;
import io.edgecollector.collector.web.Dashboard;
import io.edgecollector.collector.sparkplug.SparkplugRejections;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** `collector run`: the daemon. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs the collector: subscribes to the topics, validates every message, appends it to the "
                + "daily raw JSONL file and fsyncs before acknowledging it to the broker.",
                "Stops cleanly on SIGTERM or Ctrl-C: stops intake, flushes, acknowledges, disconnects (exit 0).",
                "A fatal failure (a database schema newer than this collector, a bug) stops it with one line and exit 1."})
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
        SSLContext tls = config.httpPort() == 0 ? null : tls(config); // a bad certificate or key stops the start here
        CollectorMetrics metrics = new CollectorMetrics();
        Supervisor supervisor = new Supervisor();
        Termination.onSignal(supervisor::requestStop);
        try (Collector collector = new Collector(config, metrics, Clock.systemUTC(), supervisor);
             Lifecycle ops = new Lifecycle(Duration.ofSeconds(5))) {
            CollectorStatus status = collector.status();
            metrics.watch(status::backlogBytes, status::backlogMessages, status::isSubscribed, status::isDatabaseReady);
            metrics.watchAlerts(collector.alerting().engine()::firingByRule);
            metrics.watchOutputs(status.outputs());
            if (collector.sparkplug() != null) {
                metrics.watchSparkplug(collector.sparkplug()::online, SparkplugRejections.LABELS);
            }
            if (config.httpPort() != 0) {
                // up before the broker is reached, so a stuck start is visible
                StatusServer server = StatusServer.bind(config.httpBind(), config.httpPort(), metrics.registryWithJvm(),
                        status, Access.of(config), tls);
                server.addJson("/alerts", collector.alerting()::activeJson);
                String ingest = "";
                if (config.httpIngest()) {
                    HttpIngest route = collector.httpIngest(server.executor());
                    server.routeDirect(HttpIngest.PATH, route);
                    ingest = ",POST /ingest";
                    if (!route.guarded()) {
                        LOG.warn("event=http_ingest_open: anyone who reaches port {} can store readings; set {}",
                                config.httpPort(), Setting.HTTP_INGEST_TOKEN.key());
                    }
                }
                ops.start(Dashboard.mount(server, config, status, metrics));
                ops.start(server);
                LOG.info("event=http_listening bind={} port={} tls={} paths=/,/api/sensors,/api/series,/api/status,/alerts,"
                        + "/metrics,/health,/ready{} access={}", config.httpBind(), server.port(),
                        config.httpTlsCert() != null, ingest, Access.of(config) == null ? "open" : "required");
            }
            ops.start(new StatusLog(config.statusInterval(), metrics, status));
            // SIGHUP: the sensor registry and the alert rules again (issue 12)
            Hangup.onSignal(() -> collector.reload(options.load()));
            collector.start(UNTIL_STOPPED);
            Optional<Supervisor.Failure> failure = supervisor.await();
            LOG.info("event=stopping received={} acked={}", metrics.received(), metrics.acked());
            if (failure.isPresent()) {
                throw new FatalFailure(failure.get());
            }
        }
        return 0;
    }

    /** The HTTP port's TLS context from http.tls_cert and http.tls_key, or null for plain HTTP. */
    static SSLContext tls(CollectorConfig config) {
        if (config.httpTlsCert() == null) {
            return null;
        }
        try {
            return MqttTls.serverContext(config.httpTlsCert(), config.httpTlsKey());
        } catch (IOException e) {
            throw new ConfigException(Setting.HTTP_TLS_CERT.key() + "=" + config.httpTlsCert() + " / "
                    + Setting.HTTP_TLS_KEY.key() + "=" + config.httpTlsKey() + ": " + e.getMessage(), e);
        }
    }

    /** A component's fatal failure, reported as its own one line (exit 1, so systemd restarts the daemon). */
    static final class FatalFailure extends Exception {
        FatalFailure(Supervisor.Failure failure) {
            super(failure.message(), failure.cause());
        }
    }
}
