package io.edgecollector.collector.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;

/**
 * Apache Kafka of the test's own, in this JVM: one KRaft node (broker and controller) on free
 * loopback ports, its log in the given directory, formatted on first start. May be stopped and
 * started again on the same ports and data (an outage); stopped on close.
 */
public final class PrivateKafka implements AutoCloseable {
    /**
     * A SASL_SSL listener: SCRAM-SHA-512 with one user (bootstrapped into the cluster metadata
     * when the storage is formatted, as KRaft needs), TLS with the given PKCS12 key store.
     */
    public record Secure(String user, String password, Path keyStore, String keyStorePassword) {
    }

    private final Path dir;
    private final int port;
    private final int controllerPort;
    private final Secure secure;
    private final int securePort;
    private KafkaRaftServer server;

    private PrivateKafka(Path dir, int port, int controllerPort, Secure secure, int securePort) {
        this.dir = dir;
        this.port = port;
        this.controllerPort = controllerPort;
        this.secure = secure;
        this.securePort = securePort;
    }

    public static PrivateKafka start(Path dir) throws IOException {
        return start(dir, null);
    }

    /** With a SASL_SSL listener besides the PLAINTEXT one (which the broker uses itself, and tests may read from). */
    public static PrivateKafka start(Path dir, Secure secure) throws IOException {
        PrivateKafka k = new PrivateKafka(dir, Ports.free(), Ports.free(), secure, secure == null ? 0 : Ports.free());
        k.format();
        k.startServer();
        return k;
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** The SASL_SSL listener's address. */
    public String secureBootstrapServers() {
        return "127.0.0.1:" + securePort;
    }

    private Path propertiesFile() {
        return dir.resolve("server.properties");
    }

    private Properties properties() {
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", "1");
        p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        if (secure == null) {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        } else {
            p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",SECURE://127.0.0.1:" + securePort
                    + ",CONTROLLER://127.0.0.1:" + controllerPort);
            p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port + ",SECURE://127.0.0.1:" + securePort);
            p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,SECURE:SASL_SSL,CONTROLLER:PLAINTEXT");
            p.put("listener.name.secure.sasl.enabled.mechanisms", "SCRAM-SHA-512");
            p.put("listener.name.secure.scram-sha-512.sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required;");
            p.put("listener.name.secure.ssl.keystore.location", secure.keyStore().toString());
            p.put("listener.name.secure.ssl.keystore.password", secure.keyStorePassword());
            p.put("listener.name.secure.ssl.key.password", secure.keyStorePassword());
            p.put("listener.name.secure.ssl.keystore.type", "PKCS12");
        }
        p.put("controller.listener.names", "CONTROLLER");
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", dir.resolve("log").toString());
        p.put("num.partitions", "3");
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "3");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "3");
        p.put("group.initial.rebalance.delay.ms", "0");
        return p;
    }

    private void format() throws IOException {
        Files.createDirectories(dir);
        try (var out = Files.newOutputStream(propertiesFile())) {
            properties().store(out, "private test broker");
        }
        ByteArrayOutputStream said = new ByteArrayOutputStream();
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("format", "-t", Uuid.randomUuid().toString(),
                "-c", propertiesFile().toString()));
        if (secure != null) {
            args.addAll(java.util.List.of("--add-scram",
                    "SCRAM-SHA-512=[name=" + secure.user() + ",password=" + secure.password() + "]"));
        }
        int rc = StorageTool.execute(args.toArray(String[]::new), new PrintStream(said, true, StandardCharsets.UTF_8));
        if (rc != 0) {
            throw new IllegalStateException("kafka storage format failed (" + rc + "): " + said);
        }
    }

    private void startServer() {
        server = new KafkaRaftServer(KafkaConfig.fromProps(properties(), false), Time.SYSTEM);
        server.startup();
        Await.until("private kafka on port " + port, Duration.ofSeconds(60),
                () -> Ports.listening(port) && (secure == null || Ports.listening(securePort)));
    }

    /** Stops the broker (an outage): clients see it gone until {@link #restart()}. */
    public void stop() {
        if (server != null) {
            server.shutdown();
            server.awaitShutdown();
            server = null;
        }
    }

    /** Starts it again on the same ports with the same data. */
    public void restart() {
        stop();
        startServer();
    }

    @Override
    public void close() {
        stop();
    }
}
