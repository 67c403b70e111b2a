package io.edgecollector.collector.it.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.CollectorMain;
import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.PrivateMosquitto;
import io.edgecollector.collector.testing.RawLines;
import io.edgecollector.simulator.Kind;
import io.edgecollector.simulator.Message;
import io.edgecollector.common.MqttTls;
import io.edgecollector.simulator.Publisher;
import io.edgecollector.simulator.Simulator;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * A locked-down broker: TLS with client certificates (generated here), passwords, and the ACL
 * example shipped in mosquitto/: the collector reads sensors/#, a sensor writes only below its
 * own topic, and no secret reaches the logs.
 */
class SecureBrokerIT {
    static final String COLLECTOR_PASSWORD = "collector-Pw-4711";
    static final String SENSOR_PASSWORD = "sensor-Pw-0815";
    static final String DB_PASSWORD = "db-Pw-1234";

    static void run(Path dir, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, String.join(" ", command) + ": " + out);
    }

    /** A CA, a broker certificate for 127.0.0.1, and one client certificate, all PEM (keys PKCS#8). */
    static void certificates(Path dir) throws Exception {
        run(dir, "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.pem",
                "-days", "2", "-subj", "/CN=edge-collector test CA");
        Files.writeString(dir.resolve("san.cnf"), "subjectAltName=IP:127.0.0.1,DNS:localhost\n");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server.key", "-out", "server.csr",
                "-subj", "/CN=localhost");
        run(dir, "openssl", "x509", "-req", "-in", "server.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "server.pem", "-days", "2", "-extfile", "san.cnf");
        run(dir, "openssl", "req", "-newkey", "rsa:2048", "-nodes", "-keyout", "client.key", "-out", "client.csr",
                "-subj", "/CN=edge client");
        run(dir, "openssl", "x509", "-req", "-in", "client.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", "client.pem", "-days", "2");
    }

    @Test
    void tlsAndPasswords_collectorReadsSensors_aSensorWritesOnlyItsOwnTopic_andNoSecretIsLogged(@TempDir Path dir) throws Exception {
        certificates(dir);
        run(dir, "mosquitto_passwd", "-c", "-b", "passwords", "collector", COLLECTOR_PASSWORD);
        run(dir, "mosquitto_passwd", "-b", "passwords", "sensor-1", SENSOR_PASSWORD);
        Files.copy(Path.of("../mosquitto/acl.example"), dir.resolve("acl"));
        String listener = "cafile " + dir.resolve("ca.pem") + "\ncertfile " + dir.resolve("server.pem") + "\nkeyfile "
                + dir.resolve("server.key") + "\nrequire_certificate true\nallow_anonymous false\npassword_file "
                + dir.resolve("passwords") + "\nacl_file " + dir.resolve("acl") + "\n";
        MqttTls.Files tls = new MqttTls.Files(dir.resolve("ca.pem"), dir.resolve("client.pem"), dir.resolve("client.key"));
        Path raw = dir.resolve("raw");
        try (PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"), listener)) {
            String url = "ssl://127.0.0.1:" + broker.port();
            String[] args = {"run", "--broker-url", url, "--client-id", "secure-collector", "--mqtt-username", "collector",
                "--mqtt-ca-file", tls.caFile().toString(), "--mqtt-client-cert", tls.clientCert().toString(),
                "--mqtt-client-key", tls.clientKey().toString(), "--mqtt-session-expiry", "60s",
                "--raw-dir", raw.toString(), "--db-url", "jdbc:postgresql://127.0.0.1:1/none", "--db-user", "collector"};
            Map<String, String> secrets = Map.of("COLLECTOR_MQTT_PASSWORD", COLLECTOR_PASSWORD, "COLLECTOR_DB_PASSWORD", DB_PASSWORD);
            try (CollectorProcess collector = CollectorProcess.start(dir.resolve("collector.log"), secrets, args).awaitSubscribed(1)) {
                Simulator.Target sensor = new Simulator.Target(url, "sensor-1", 1, "sensor-1", SENSOR_PASSWORD, "sensors", tls);
                try (Publisher p = Simulator.connect(sensor)) {
                    for (int i = 0; i < 10; i++) {
                        p.publish(new Message("sensors/sensor-1/temperature", Integer.toString(20 + i).getBytes(StandardCharsets.UTF_8), Kind.VALID));
                    }
                    for (int i = 0; i < 5; i++) {
                        p.publish(new Message("sensors/sensor-2/temperature", "99".getBytes(StandardCharsets.UTF_8), Kind.UNKNOWN_SENSOR));
                    }
                    p.publish(new Message("sensors/sensor-1/marker", "1".getBytes(StandardCharsets.UTF_8), Kind.VALID));
                    p.flush(10_000);
                }
                Await.until("the marker, published after everything else", Duration.ofSeconds(20),
                        () -> RawLines.records(raw).stream().anyMatch(r -> r.get("topic").asText().equals("sensors/sensor-1/marker")));
                assertEquals(11, RawLines.records(raw).stream().filter(r -> r.get("topic").asText().startsWith("sensors/sensor-1/")).count());
                assertEquals(0, RawLines.records(raw).stream().filter(r -> r.get("topic").asText().contains("sensor-2")).count(),
                        "the ACL keeps sensor-1 out of sensor-2's topic");
                assertEquals(0, collector.terminate(Duration.ofSeconds(10)), collector.output());
            }

            Path badLog = dir.resolve("bad.log");
            Map<String, String> wrong = Map.of("COLLECTOR_MQTT_PASSWORD", "not-" + COLLECTOR_PASSWORD);
            try (CollectorProcess refused = CollectorProcess.start(badLog, wrong, args)) {
                Await.until("the refusal in the log", Duration.ofSeconds(20), () -> refused.output().contains("event=broker_connect_failed"));
                assertEquals(0, refused.terminate(Duration.ofSeconds(10)));
            }

            StringWriter shown = new StringWriter();
            CommandLine cl = CollectorMain.commandLine(secrets);
            cl.setOut(new PrintWriter(shown, true));
            assertEquals(0, cl.execute("check-config", "--broker-url", url, "--mqtt-ca-file", tls.caFile().toString(),
                    "--db-url", "jdbc:postgresql://h/iot?user=collector&password=" + DB_PASSWORD));
            String logs = Files.readString(dir.resolve("collector.log")) + Files.readString(badLog) + shown;
            assertTrue(logs.contains("mqtt.password=\"****\""), logs);
            for (String secret : new String[] {COLLECTOR_PASSWORD, DB_PASSWORD, SENSOR_PASSWORD}) {
                assertFalse(logs.contains(secret), "a secret reached the output");
            }
        }
    }
}
