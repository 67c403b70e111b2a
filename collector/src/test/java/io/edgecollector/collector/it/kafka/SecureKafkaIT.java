package io.edgecollector.collector.it.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.testing.CollectorProcess;
import io.edgecollector.collector.testing.KafkaTopic;
import io.edgecollector.collector.testing.PrivateKafka;
import io.edgecollector.collector.testing.PrivateMosquitto;
import io.edgecollector.collector.testing.Setup;
import io.edgecollector.simulator.Faults;
import io.edgecollector.simulator.RunResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Kafka output through a secured listener, as a site's platform would have it: SASL_SSL with
 * SCRAM-SHA-512 (the user bootstrapped into KRaft's metadata when the storage is formatted) and
 * TLS with a certificate made for the test (keytool), trusted by the collector from a PEM file.
 * The collector is given only the secured listener; the test reads back on the broker's own
 * plaintext one.
 */
class SecureKafkaIT {
    private static final String PASSWORD = "Sc4am-" + Long.toHexString(System.nanoTime()) + "-pw";
    private static final String STORE_PASSWORD = "st0re-" + Long.toHexString(System.nanoTime());

    @Test
    void saslSslScram512_forwardsEveryReadingOnce_thePasswordIsNeverLogged_aWrongOneStopsWithOneLine(@TempDir Path dir)
            throws Exception {
        Path keyStore = dir.resolve("kafka.p12");
        Path caPem = dir.resolve("kafka-ca.pem");
        keytool("-genkeypair", "-alias", "kafka", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-dname", "CN=localhost", "-ext", "SAN=IP:127.0.0.1,DNS:localhost", "-storetype", "PKCS12",
                "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD, "-keypass", STORE_PASSWORD);
        keytool("-exportcert", "-rfc", "-alias", "kafka", "-keystore", keyStore.toString(), "-storepass", STORE_PASSWORD,
                "-file", caPem.toString());
        String prefix = Setup.prefix();
        try (PrivateKafka kafka = PrivateKafka.start(dir.resolve("kafka"),
                new PrivateKafka.Secure("edge", PASSWORD, keyStore, STORE_PASSWORD));
             PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"))) {
            Map<String, String> flags = Setup.flags(broker.url(), prefix, dir.resolve("raw"), Setup.registry(dir, 5));
            flags.put("--kafka-bootstrap-servers", kafka.secureBootstrapServers());
            flags.put("--kafka-security-protocol", "SASL_SSL");
            flags.put("--kafka-sasl-mechanism", "SCRAM-SHA-512");
            flags.put("--kafka-sasl-username", "edge");
            flags.put("--kafka-truststore-file", caPem.toString());
            Path log = dir.resolve("collector.log");
            try (CollectorProcess collector = CollectorProcess.start(log, Map.of("COLLECTOR_KAFKA_SASL_PASSWORD", PASSWORD),
                    Setup.args("run", flags)).awaitSubscribed(1)) {
                RunResult published = Setup.publish(broker.url(), prefix, Faults.NONE, 2000, 200);
                KafkaOutputIT.awaitCommitted(kafka, KafkaOutputIT.READINGS, published.total(), Duration.ofSeconds(90));
                KafkaOutputIT.assertExactlyOnceInOrder(KafkaTopic.readCommitted(kafka.bootstrapServers(), KafkaOutputIT.READINGS),
                        published.total(), published);
                assertEquals(0, collector.terminate(Duration.ofSeconds(20)), collector.output());
                String out = collector.output();
                assertTrue(out.contains("event=kafka_ready bootstrap_servers=" + kafka.secureBootstrapServers()), out);
                assertTrue(out.contains("kafka.sasl_password="), "the effective configuration names the setting: " + out);
                assertFalse(out.contains(PASSWORD), "the SASL password appears nowhere in the log");
                assertFalse(out.contains(STORE_PASSWORD), "nor the key store's");
            }

            // the same with a wrong password: refused authentication stops the daemon with one line (exit 1)
            String wrong = "Wr0ng-" + Long.toHexString(System.nanoTime());
            flags.put("--client-id", prefix + "-other");
            flags.put("--raw-dir", dir.resolve("raw-other").toString());
            Path otherLog = dir.resolve("other.log");
            try (CollectorProcess refused = CollectorProcess.start(otherLog, Map.of("COLLECTOR_KAFKA_SASL_PASSWORD", wrong),
                    Setup.args("run", flags))) {
                assertEquals(1, refused.awaitExit(Duration.ofSeconds(90)), refused.output());
                String out = refused.output();
                assertTrue(out.contains("event=kafka_fatal") && out.contains("SaslAuthenticationException"), out);
                assertFalse(out.contains(wrong), "the wrong password is not logged either");
            }
        }
    }

    private static void keytool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + ": " + said);
    }
}
