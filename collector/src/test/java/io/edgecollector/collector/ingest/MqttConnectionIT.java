package io.edgecollector.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.testing.Await;
import io.edgecollector.collector.testing.PrivateMosquitto;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.mqttv5.client.MqttClient;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The intake's own MQTT 5 connection against a real (private) Mosquitto. */
class MqttConnectionIT {
    private static final Duration WAIT = Duration.ofSeconds(10);

    /** What a connection delivered: "topic=payload qos id", and why it was lost. */
    static class Received implements MqttConnection.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final List<Integer> ids = new CopyOnWriteArrayList<>();
        final List<String> lost = new CopyOnWriteArrayList<>();

        @Override
        public void message(String topic, byte[] payload, int qos, int packetId) {
            messages.add(topic + "=" + new String(payload, StandardCharsets.UTF_8) + " qos" + qos);
            ids.add(packetId);
        }

        @Override
        public void lost(String cause) {
            lost.add(cause);
        }
    }

    private static MqttConnection.Options options(String url, String clientId, String user, String password, int keepAlive) {
        return new MqttConnection.Options(url, clientId, user, password.getBytes(StandardCharsets.UTF_8), keepAlive, 300, 100,
                WAIT, null);
    }

    /** An anonymous connection, reading, subscribed to plant/#. */
    private static MqttConnection subscribed(PrivateMosquitto broker, String clientId, int keepAlive, Received into) throws Exception {
        MqttConnection c = MqttConnection.open(options(broker.url(), clientId, "", "", keepAlive), into, "it-reader");
        c.start();
        assertEquals(List.of(), c.subscribe(List.of("plant/#"), WAIT));
        return c;
    }

    private static void publish(String url, String user, String password, List<String> payloads, int qos) throws Exception {
        MqttClient p = new MqttClient(url, "publisher-" + System.nanoTime(), new MemoryPersistence());
        MqttConnectionOptions o = new MqttConnectionOptions();
        if (!user.isEmpty()) {
            o.setUserName(user);
            o.setPassword(password.getBytes(StandardCharsets.UTF_8));
        }
        p.connect(o);
        for (String s : payloads) {
            p.publish("plant/line1/" + s, s.getBytes(StandardCharsets.UTF_8), qos, false);
        }
        p.disconnect();
        p.close();
    }

    private static List<String> numbered(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            out.add("m" + i);
        }
        return out;
    }

    @Test
    void unacknowledgedMessages_comeBackOnTheNextConnection_andAcknowledgedOnesDoNot(@TempDir Path dir) throws Exception {
        try (PrivateMosquitto broker = PrivateMosquitto.start(dir)) {
            Received first = new Received();
            MqttConnection c = MqttConnection.open(options(broker.url(), "intake-a", "", "", 30), first, "it-reader");
            assertFalse(c.sessionPresent(), "a new client id has no session yet");
            c.start();
            assertEquals(List.of(), c.subscribe(List.of("plant/#"), WAIT));
            publish(broker.url(), "", "", numbered(1, 10), 1);
            publish(broker.url(), "", "", List.of("fire-and-forget"), 0);
            Await.until("11 messages", WAIT, () -> first.messages.size() == 11);
            List<String> expected = new ArrayList<>();
            numbered(1, 10).forEach(s -> expected.add("plant/line1/" + s + "=" + s + " qos1"));
            expected.add("plant/line1/fire-and-forget=fire-and-forget qos0");
            assertEquals(expected, first.messages);
            assertEquals(0, first.ids.get(10), "QoS 0 carries no packet id");

            for (int i = 0; i < 6; i++) {
                assertTrue(c.ack(first.ids.get(i)));
            }
            c.sendAcks(); // all six in one write
            c.disconnect(); // the session stays: what was not acknowledged comes back
            assertFalse(c.isOpen());
            assertFalse(c.ack(first.ids.get(6)), "no acknowledgement is queued on a closed connection");
            assertEquals(List.of(), first.lost, "a connection closed by its owner is not reported lost");

            Received second = new Received();
            MqttConnection again = MqttConnection.open(options(broker.url(), "intake-a", "", "", 30), second, "it-reader-2");
            assertTrue(again.sessionPresent());
            again.start();
            Await.until("the four unacknowledged messages again", WAIT, () -> second.messages.size() >= 4);
            TimeUnit.MILLISECONDS.sleep(500);
            List<String> resent = new ArrayList<>();
            numbered(7, 10).forEach(s -> resent.add("plant/line1/" + s + "=" + s + " qos1"));
            assertEquals(resent, second.messages);
            second.ids.forEach(again::ack);
            again.sendAcks();
            again.disconnect();

            Received third = new Received();
            MqttConnection last = MqttConnection.open(options(broker.url(), "intake-a", "", "", 30), third, "it-reader-3");
            last.start();
            TimeUnit.MILLISECONDS.sleep(1000);
            assertEquals(List.of(), third.messages, "everything was acknowledged");
            last.close();
        }
    }

    @Test
    void refusals_nameTheBrokersReason_andThePasswordIsNeverShown(@TempDir Path dir) throws Exception {
        Process pw = new ProcessBuilder("mosquitto_passwd", "-c", "-b", dir.resolve("passwords").toString(), "intake", "s3cret")
                .redirectErrorStream(true).start();
        assertTrue(pw.waitFor(30, TimeUnit.SECONDS) && pw.exitValue() == 0);
        Files.writeString(dir.resolve("acl"), "user intake\ntopic readwrite plant/#\n");
        String listener = "allow_anonymous false\npassword_file " + dir.resolve("passwords") + "\nacl_file " + dir.resolve("acl") + "\n";
        try (PrivateMosquitto broker = PrivateMosquitto.start(dir.resolve("broker"), listener)) {
            MqttConnection.MqttRefused wrong = assertThrows(MqttConnection.MqttRefused.class,
                    () -> MqttConnection.open(options(broker.url(), "intake-b", "intake", "wrong", 30), new Received(), "it"));
            assertEquals("refused by the broker: not authorized (0x87)", wrong.getMessage()); // Mosquitto's answer to a wrong password
            assertFalse(wrong.getMessage().contains("wrong"), "the password is never shown");
            MqttConnection.MqttRefused anonymous = assertThrows(MqttConnection.MqttRefused.class,
                    () -> MqttConnection.open(options(broker.url(), "intake-b", "", "", 30), new Received(), "it"));
            assertTrue(anonymous.getMessage().startsWith("refused by the broker: "), anonymous.getMessage());

            Received got = new Received();
            MqttConnection c = MqttConnection.open(options(broker.url(), "intake-b", "intake", "s3cret", 30), got, "it-reader");
            c.start();
            // Mosquitto grants a filter the ACL does not allow (it filters what it delivers instead)
            assertEquals(List.of(), c.subscribe(List.of("plant/#", "secret/#"), WAIT));
            publish(broker.url(), "intake", "s3cret", List.of("ok"), 1);
            Await.until("the message on the granted filter", WAIT, () -> got.messages.size() == 1);
            assertEquals(List.of("plant/line1/ok=ok qos1"), got.messages);
            c.close();
        }
    }

    @Test
    void aBrokerThatStopsAnswering_isGivenUpAfterOneAndAHalfKeepAlives(@TempDir Path dir) throws Exception {
        try (PrivateMosquitto broker = PrivateMosquitto.start(dir)) {
            Received got = new Received();
            MqttConnection c = subscribed(broker, "intake-c", 2, got);
            for (int i = 0; i < 8; i++) { // pings answered: the connection stays
                assertTrue(c.keepAlive());
                TimeUnit.MILLISECONDS.sleep(500);
            }
            assertTrue(c.isOpen());
            broker.freeze(true);
            try {
                long frozenAt = System.nanoTime();
                Await.until("the connection given up", Duration.ofSeconds(15), () -> !c.keepAlive());
                long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - frozenAt);
                assertTrue(seconds >= 2 && seconds <= 6, "given up after " + seconds + " s");
                assertEquals(1, got.lost.size(), got.lost.toString());
                assertTrue(got.lost.get(0).startsWith("no answer from the broker for "), got.lost.toString());
                assertFalse(c.isOpen());
            } finally {
                broker.freeze(false);
            }
            c.close();
        }
    }

    @Test
    void aReaderHeldUpHandingAMessageOver_keepsTheConnection_forSeveralKeepAlives(@TempDir Path dir) throws Exception {
        try (PrivateMosquitto broker = PrivateMosquitto.start(dir)) {
            java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            Received got = new Received() {
                @Override
                public void message(String topic, byte[] payload, int qos, int packetId) {
                    super.message(topic, payload, qos, packetId);
                    try {
                        release.await(); // as a full disk holds the writer's queue
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            };
            MqttConnection c = subscribed(broker, "intake-f", 2, got);
            publish(broker.url(), "", "", numbered(1, 3), 1);
            Await.until("the first message, held", WAIT, () -> got.messages.size() == 1);
            for (int i = 0; i < 16; i++) { // 8 s: four keep-alive intervals, pings going out all along
                assertTrue(c.keepAlive(), "given up while the reader was held, after " + i * 500 + " ms");
                TimeUnit.MILLISECONDS.sleep(500);
            }
            release.countDown();
            Await.until("the rest, on the same connection", WAIT, () -> got.messages.size() == 3);
            assertEquals(List.of(), got.lost);
            assertTrue(c.isOpen());
            c.close();
        }
    }

    @Test
    void aBrokerRestart_isReportedLostOnce(@TempDir Path dir) throws Exception {
        try (PrivateMosquitto broker = PrivateMosquitto.start(dir)) {
            Received got = new Received();
            MqttConnection c = subscribed(broker, "intake-d", 30, got);
            broker.restart();
            Await.until("the loss reported", WAIT, () -> !got.lost.isEmpty());
            assertEquals(1, got.lost.size(), got.lost.toString());
            assertFalse(c.isOpen());
            assertEquals(Collections.emptyList(), got.messages);
            c.close();
        }
    }

    @Test
    void aPeerThatNeverAnswersConnect_isGivenUpAfterTheConnectTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            MqttConnection.Options o = new MqttConnection.Options("tcp://127.0.0.1:" + silent.getLocalPort(), "intake-e", "",
                    new byte[0], 30, 300, 100, Duration.ofSeconds(1), null);
            long start = System.nanoTime();
            MqttConnection.MqttRefused e = assertThrows(MqttConnection.MqttRefused.class,
                    () -> MqttConnection.open(o, new Received(), "it"));
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertEquals("no answer from 127.0.0.1:" + silent.getLocalPort() + " within 1 s (connecting or CONNACK)", e.getMessage());
            assertTrue(millis >= 900 && millis < 5000, "gave up after " + millis + " ms");
        }
    }

    @Test
    void aBrokerUrlOtherThanTcpOrSsl_isRefusedNamingIt() {
        MqttConnection.MqttRefused e = assertThrows(MqttConnection.MqttRefused.class, () -> MqttConnection.uri("ws://h:80"));
        assertEquals("broker URL 'ws://h:80' must look like tcp://host:port or ssl://host:port", e.getMessage());
    }
}
