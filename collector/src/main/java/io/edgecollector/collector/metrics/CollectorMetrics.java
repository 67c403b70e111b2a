package io.edgecollector.collector.metrics;

import io.edgecollector.collector.parse.RejectReason;
import io.edgecollector.collector.parse.Quality;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The collector's metrics in a Prometheus registry of its own (served at /metrics), readable in
 * code too for the status line, the demo and the tests. Names start with edge_collector_.
 * Without exemplars: the client otherwise samples one on every increment (a clock read and an
 * atomic per message), and nothing here has a trace to link them to.
 */
public class CollectorMetrics implements Metrics {
    private static final double NANOS_PER_SECOND = 1e9;

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter received = Counter.builder().withoutExemplars().name("edge_collector_messages_received_total")
            .help("MQTT messages received").register(registry);
    private final Counter acked = Counter.builder().withoutExemplars().name("edge_collector_messages_acked_total")
            .help("messages appended and fsynced to the raw file, then acknowledged to the broker").register(registry);
    private final Counter rejected = Counter.builder().withoutExemplars().name("edge_collector_messages_rejected_total")
            .help("messages kept in the raw file with a rejection reason, by kind of reason")
            .labelNames("reason").register(registry);
    private final Counter redelivered = Counter.builder().withoutExemplars().name("edge_collector_messages_redelivered_total")
            .help("broker resends of messages already received (marked dup in the raw file)").register(registry);
    private final Counter readings = Counter.builder().withoutExemplars().name("edge_collector_readings_total")
            .help("readings accepted at intake, by quality flag").labelNames("quality").register(registry);
    private final Histogram batchSize = Histogram.builder().withoutExemplars().name("edge_collector_batch_messages")
            .help("messages per durable batch (append + fsync + ack)").classicOnly()
            .classicUpperBounds(1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000).register(registry);
    private final Histogram flushSeconds = Histogram.builder().withoutExemplars().name("edge_collector_flush_seconds")
            .help("time to append, fsync and acknowledge one batch").unit(Unit.SECONDS).classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .register(registry);
    private final Histogram loadSeconds = Histogram.builder().withoutExemplars().name("edge_collector_load_seconds")
            .help("time to load new raw lines of one file into PostgreSQL (COPY, insert, checkpoint, commit)")
            .unit(Unit.SECONDS).classicOnly()
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);
    private final Counter rawWriteFailures = Counter.builder().withoutExemplars().name("edge_collector_raw_write_failures_total")
            .help("batches the raw file refused (disk full, I/O error); not acknowledged, retried").register(registry);
    private final Counter connects = Counter.builder().withoutExemplars().name("edge_collector_broker_connects_total")
            .help("successful connections to the broker").register(registry);
    private final Counter reconnects = Counter.builder().withoutExemplars().name("edge_collector_broker_reconnects_total")
            .help("connections to the broker after a lost one").register(registry);
    private final Counter disconnects = Counter.builder().withoutExemplars().name("edge_collector_broker_disconnects_total")
            .help("connections to the broker lost").register(registry);
    private final Counter linesLoaded = Counter.builder().withoutExemplars().name("edge_collector_loaded_messages_total")
            .help("raw lines (messages) committed to PostgreSQL").register(registry);
    private final Counter rowsInserted = Counter.builder().withoutExemplars().name("edge_collector_loaded_rows_total")
            .help("new measurement rows inserted (a reading already stored is not counted again)").register(registry);
    private final Counter rejectionsStored = Counter.builder().withoutExemplars().name("edge_collector_loaded_rejections_total")
            .help("rows written to rejected_messages").register(registry);
    private final Counter loadFailures = Counter.builder().withoutExemplars().name("edge_collector_load_errors_total")
            .help("loader passes that failed (database unreachable or refusing); retried with backoff").register(registry);

    private final Counter kafkaLines = Counter.builder().withoutExemplars().name("edge_collector_kafka_forwarded_messages_total")
            .help("raw lines (messages) forwarded to Kafka in committed transactions").register(registry);
    private final Counter kafkaRecords = Counter.builder().withoutExemplars().name("edge_collector_kafka_records_total")
            .help("records committed to Kafka, by kind (readings, rejections)").labelNames("kind").register(registry);
    private final Counter kafkaErrors = Counter.builder().withoutExemplars().name("edge_collector_kafka_errors_total")
            .help("Kafka forwarding passes that failed (retried with backoff from the committed checkpoint)").register(registry);
    private final Histogram kafkaSeconds = Histogram.builder().withoutExemplars().name("edge_collector_kafka_transaction_seconds")
            .help("time to forward one chunk of raw lines to Kafka (send, checkpoint, commit)")
            .unit(Unit.SECONDS).classicOnly()
            .classicUpperBounds(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30).register(registry);

    public CollectorMetrics() {
        for (Quality q : Quality.values()) {
            readings.initLabelValues(q.label());
        }
        for (RejectReason r : RejectReason.values()) {
            rejected.initLabelValues(r.label());
        }
    }

    /**
     * The registry to serve; adds the JVM and process metrics (memory, GC, threads, RSS) on a
     * background thread, since registering them costs 0.15-0.25 s that start-up need not wait for.
     */
    public PrometheusRegistry registryWithJvm() {
        Thread t = new Thread(() -> JvmMetrics.builder().register(registry), "jvm-metrics");
        t.setDaemon(true);
        t.start();
        return registry;
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    /** Gauges read at scrape time from the running collector. */
    public void watch(LongSupplier backlogBytes, LongSupplier backlogMessages, BooleanSupplier brokerConnected,
                      BooleanSupplier databaseReady) {
        GaugeWithCallback.builder().name("edge_collector_backlog_bytes")
                .help("bytes of raw files not yet loaded into PostgreSQL")
                .callback(cb -> cb.call(backlogBytes.getAsLong())).register(registry);
        GaugeWithCallback.builder().name("edge_collector_backlog_messages")
                .help("raw lines (messages) not yet loaded into PostgreSQL")
                .callback(cb -> cb.call(backlogMessages.getAsLong())).register(registry);
        GaugeWithCallback.builder().name("edge_collector_broker_connected")
                .help("1 when connected and subscribed to the broker")
                .callback(cb -> cb.call(brokerConnected.getAsBoolean() ? 1 : 0)).register(registry);
        GaugeWithCallback.builder().name("edge_collector_database_ready")
                .help("1 when PostgreSQL is prepared and loading")
                .callback(cb -> cb.call(databaseReady.getAsBoolean() ? 1 : 0)).register(registry);
    }

    /** Gauges of the outputs besides PostgreSQL (Kafka): ready, and lag in bytes and messages. */
    public void watchOutputs(java.util.List<? extends io.edgecollector.collector.OutputStatus> outputs) {
        if (outputs.isEmpty()) {
            return;
        }
        GaugeWithCallback.builder().name("edge_collector_output_ready").labelNames("output")
                .help("1 when the output is connected and forwarding")
                .callback(cb -> outputs.forEach(o -> cb.call(o.isReady() ? 1 : 0, o.name()))).register(registry);
        GaugeWithCallback.builder().name("edge_collector_output_lag_bytes").labelNames("output")
                .help("bytes of raw files not yet forwarded to the output")
                .callback(cb -> outputs.forEach(o -> cb.call(o.lagBytes(), o.name()))).register(registry);
        GaugeWithCallback.builder().name("edge_collector_output_lag_messages").labelNames("output")
                .help("raw lines (messages) not yet forwarded to the output")
                .callback(cb -> outputs.forEach(o -> cb.call(o.lagMessages(), o.name()))).register(registry);
    }

    @Override
    public void kafkaForwarded(long lines, long readingRecords, long rejectionRecords, long nanos) {
        kafkaLines.inc(lines);
        kafkaRecords.labelValues("readings").inc(readingRecords);
        kafkaRecords.labelValues("rejections").inc(rejectionRecords);
        kafkaSeconds.observe(nanos / NANOS_PER_SECOND);
    }

    @Override
    public void kafkaFailed() {
        kafkaErrors.inc();
    }

    public long kafkaForwardedMessages() {
        return kafkaLines.getLongValue();
    }

    public long kafkaErrors() {
        return kafkaErrors.getLongValue();
    }

    @Override
    public void messageReceived() {
        received.inc();
    }

    // per message: each label's data point looked up once (a lookup by label list otherwise); made on first
    // use, as labelValues makes it, so a series appears in /metrics as before; a race makes the same one twice
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint[] rejectedBy =
            new io.prometheus.metrics.core.datapoints.CounterDataPoint[RejectReason.values().length];
    private final io.prometheus.metrics.core.datapoints.CounterDataPoint[] readingsBy =
            new io.prometheus.metrics.core.datapoints.CounterDataPoint[Quality.values().length];

    @Override
    public void messageRejected(RejectReason reason) {
        var point = rejectedBy[reason.ordinal()];
        if (point == null) {
            point = rejected.labelValues(reason.label());
            rejectedBy[reason.ordinal()] = point;
        }
        point.inc();
    }

    @Override
    public void messageRedelivered() {
        redelivered.inc();
    }

    @Override
    public void readingAccepted(Quality quality) {
        var point = readingsBy[quality.ordinal()];
        if (point == null) {
            point = readings.labelValues(quality.label());
            readingsBy[quality.ordinal()] = point;
        }
        point.inc();
    }

    @Override
    public void batchFlushed(int messages, long nanos) {
        acked.inc(messages);
        batchSize.observe(messages);
        flushSeconds.observe(nanos / NANOS_PER_SECOND);
    }

    @Override
    public void rawWriteFailed() {
        rawWriteFailures.inc();
    }

    @Override
    public void brokerConnected(boolean reconnect) {
        connects.inc();
        if (reconnect) {
            reconnects.inc();
        }
    }

    @Override
    public void brokerDisconnected() {
        disconnects.inc();
    }

    @Override
    public void rawLinesLoaded(long lines, long readingsLoaded, long inserted, long rejections, long nanos) {
        linesLoaded.inc(lines);
        rowsInserted.inc(inserted);
        rejectionsStored.inc(rejections);
        loadSeconds.observe(nanos / NANOS_PER_SECOND);
    }

    @Override
    public void loadFailed() {
        loadFailures.inc();
    }

    public long received() {
        return received.getLongValue();
    }

    public long rejectedMessages() {
        long sum = 0;
        for (RejectReason r : RejectReason.values()) {
            sum += rejected.labelValues(r.label()).getLongValue();
        }
        return sum;
    }

    public long rejected(RejectReason reason) {
        return rejected.labelValues(reason.label()).getLongValue();
    }

    public long acked() {
        return acked.getLongValue();
    }

    public long batches() {
        return batchSize.collect().getDataPoints().get(0).getCount();
    }

    public long rawWriteFailures() {
        return rawWriteFailures.getLongValue();
    }

    public long reconnects() {
        return reconnects.getLongValue();
    }

    public long linesLoaded() {
        return linesLoaded.getLongValue();
    }

    public long loadFailures() {
        return loadFailures.getLongValue();
    }

    public long readings(Quality q) {
        return readings.labelValues(q.label()).getLongValue();
    }

    public long readings() {
        long sum = 0;
        for (Quality q : Quality.values()) {
            sum += readings(q);
        }
        return sum;
    }

    // ---- HTTP ingest ----

    private final Counter httpRequests = Counter.builder().withoutExemplars().name("edge_collector_http_ingest_requests_total")
            .help("POST /ingest requests answered, by status (202, 400, 401, 413, 429, 503, ...)").labelNames("status")
            .register(registry);
    private final Counter httpReadings = Counter.builder().withoutExemplars().name("edge_collector_http_ingest_readings_total")
            .help("readings of answered POST /ingest bodies, by result (accepted: durable in the raw file; rejected)")
            .labelNames("result").register(registry);

    {
        httpReadings.initLabelValues("accepted");
        httpReadings.initLabelValues("rejected");
    }

    @Override
    public void httpIngest(int status, int accepted, int rejectedReadings) {
        httpRequests.labelValues(Integer.toString(status)).inc();
        if (accepted > 0) {
            httpReadings.labelValues("accepted").inc(accepted);
        }
        if (rejectedReadings > 0) {
            httpReadings.labelValues("rejected").inc(rejectedReadings);
        }
    }

    public long httpIngestRequests(int status) {
        return httpRequests.labelValues(Integer.toString(status)).getLongValue();
    }

    // ---- alerts (issue 12) ----

    private final Counter alertEvents = Counter.builder().withoutExemplars().name("edge_collector_alert_events_total")
            .help("alert transitions logged, by rule and state (firing, resolved)").labelNames("rule", "state")
            .register(registry);
    private final Counter alertDeliveryFailures = Counter.builder().withoutExemplars().name("edge_collector_alert_delivery_failures_total")
            .help("failed deliveries of alert events, by output (mqtt, webhook, postgres); retried with backoff")
            .labelNames("output").register(registry);

    /** The firing gauge, read at scrape time: firing (rule, sensor, metric) count per rule. */
    public void watchAlerts(java.util.function.Supplier<java.util.Map<String, Integer>> firingByRule) {
        GaugeWithCallback.builder().name("edge_collector_alerts_firing")
                .help("(sensor, metric) pairs for which the rule fires now").labelNames("rule")
                .callback(cb -> firingByRule.get().forEach((rule, n) -> cb.call(n, rule))).register(registry);
        for (String output : new String[] {"mqtt", "webhook", "postgres", "kafka"}) {
            alertDeliveryFailures.initLabelValues(output);
        }
    }

    @Override
    public void alertEvent(String rule, String state) {
        alertEvents.labelValues(rule, state).inc();
    }

    @Override
    public void alertDeliveryFailed(String output) {
        alertDeliveryFailures.labelValues(output).inc();
    }

    public long alertEvents(String rule, String state) {
        return alertEvents.labelValues(rule, state).getLongValue();
    }

    public long alertDeliveryFailures(String output) {
        return alertDeliveryFailures.labelValues(output).getLongValue();
    }

    // ---- Sparkplug B ----

    private final Counter sparkplugGaps = Counter.builder().withoutExemplars().name("edge_collector_sparkplug_seq_gaps_total")
            .help("Sparkplug seq gaps seen at intake (a message of an edge node lost)").register(registry);
    private final Counter sparkplugRebirths = Counter.builder().withoutExemplars().name("edge_collector_sparkplug_rebirth_requests_total")
            .help("rebirth requests (NCMD Node Control/Rebirth) published").register(registry);
    private final Counter sparkplugBirths = Counter.builder().withoutExemplars().name("edge_collector_sparkplug_births_total")
            .help("births that took a node or device online, by kind (node, device)").labelNames("kind").register(registry);
    private final Counter sparkplugDeaths = Counter.builder().withoutExemplars().name("edge_collector_sparkplug_deaths_total")
            .help("deaths that took a node or device offline, by kind (node, device)").labelNames("kind").register(registry);
    private final Counter sparkplugRejections = Counter.builder().withoutExemplars().name("edge_collector_sparkplug_rejections_total")
            .help("Sparkplug messages or metrics rejected at intake, by reason").labelNames("reason").register(registry);

    /** The online gauges, read at scrape time: {nodes, devices} online as intake sees them. */
    public void watchSparkplug(java.util.function.Supplier<long[]> online, java.util.List<String> rejectionReasons) {
        for (String kind : new String[] {"node", "device"}) {
            sparkplugBirths.initLabelValues(kind);
            sparkplugDeaths.initLabelValues(kind);
        }
        rejectionReasons.forEach(sparkplugRejections::initLabelValues);
        GaugeWithCallback.builder().name("edge_collector_sparkplug_online").labelNames("kind")
                .help("Sparkplug edge nodes and devices online (born and not dead since), by kind (node, device)")
                .callback(cb -> {
                    long[] n = online.get();
                    cb.call(n[0], "node");
                    cb.call(n[1], "device");
                }).register(registry);
    }

    @Override
    public void sparkplugSeqGap() {
        sparkplugGaps.inc();
    }

    @Override
    public void sparkplugRebirthRequested() {
        sparkplugRebirths.inc();
    }

    @Override
    public void sparkplugBirth(boolean device) {
        sparkplugBirths.labelValues(device ? "device" : "node").inc();
    }

    @Override
    public void sparkplugDeath(boolean device) {
        sparkplugDeaths.labelValues(device ? "device" : "node").inc();
    }

    @Override
    public void sparkplugRejected(String reason) {
        sparkplugRejections.labelValues(reason).inc();
    }

    public long sparkplugSeqGaps() {
        return sparkplugGaps.getLongValue();
    }

    public long sparkplugRebirthRequests() {
        return sparkplugRebirths.getLongValue();
    }

    public long sparkplugRejections(String reason) {
        return sparkplugRejections.labelValues(reason).getLongValue();
    }
}
