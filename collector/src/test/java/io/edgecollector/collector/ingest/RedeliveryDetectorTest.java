package io.edgecollector.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import io.edgecollector.collector.rawlog.RawLog;
import io.edgecollector.collector.rawlog.RawTail;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedeliveryDetectorTest {
    static RawLine line(String at, String payload) {
        return RawLineCodec.encode(Instant.parse(at), "t", 1, false, payload.getBytes(StandardCharsets.UTF_8), false, "not JSON");
    }

    static long id(String at, String payload) {
        RawLine l = line(at, payload);
        return RawLineCodec.identity(l.bytes(), 0, l.bytes().length);
    }

    @Test
    void identity_ignoresTimeOfReceiptAndDupMark_butNotContent() {
        RawLine marked = RawLineCodec.markRedelivered(line("2026-11-22T11:00:00.5Z", "x"));
        assertTrue(new String(marked.bytes(), StandardCharsets.UTF_8).contains("\"qos\":1,\"dup\":true,\"payload_text\""));
        assertEquals(id("2026-11-22T10:00:00Z", "x"), RawLineCodec.identity(marked.bytes(), 0, marked.bytes().length));
        assertNotEquals(id("2026-11-22T10:00:00Z", "x"), id("2026-11-22T10:00:00Z", "y"));
    }

    @Test
    void aMessageSentTwiceBySensor_isNeverARedelivery() {
        RedeliveryDetector d = new RedeliveryDetector();
        d.connected();
        assertFalse(d.received(1));
        d.acknowledged(1, true);
        assertFalse(d.received(1));
    }

    @Test
    void afterAReconnect_whatWasLeftUnacknowledgedComesFirst_andOnlyOnce() {
        long[] now = {0};
        RedeliveryDetector d = new RedeliveryDetector(() -> now[0]);
        d.connected();
        d.received(1);
        d.received(2);
        d.acknowledged(1, true);
        d.received(3);
        now[0] += RedeliveryDetector.LOST_ACK_WINDOW_NANOS + 1;
        d.acknowledged(3, true);
        d.connected();
        assertTrue(d.received(2), "unacknowledged on the last connection: a resend");
        assertFalse(d.received(2), "each resend matches once");
        d.connected();
        assertFalse(d.received(1), "acknowledged messages are not resent");
    }

    @Test
    void theResendPhaseEnds_atTheFirstNewMessage() {
        RedeliveryDetector d = new RedeliveryDetector();
        d.seed(List.of(1L, 2L));
        d.connected();
        assertTrue(d.received(1));
        assertFalse(d.received(3));
        assertFalse(d.received(2), "after a new message, nothing is a resend any more");
    }

    @Test
    void afterARestart_theRawTailSeedsWhatWasWritten(@TempDir Path dir) throws Exception {
        try (RawLog log = new RawLog(dir, "")) {
            log.append(List.of(line("2026-11-22T10:00:00Z", "a"), line("2026-11-22T10:00:01Z", "b")));
        }
        RedeliveryDetector d = new RedeliveryDetector();
        d.seed(RawTail.identities(dir, "", 10, java.time.Duration.ZERO, 10));
        d.connected();
        assertTrue(d.received(id("2026-11-22T10:05:00Z", "a")));
        assertTrue(d.received(id("2026-11-22T10:05:00Z", "b")));
    }

    @Test
    void afterARestart_theSeedReachesBackOverTheLastTwoSeconds_beyondTheInFlightWindow(@TempDir Path dir) throws Exception {
        List<RawLine> lines = new java.util.ArrayList<>();
        lines.add(line("2026-11-22T10:00:00Z", "older"));
        for (int i = 0; i < 1500; i++) { // a burst of 1,500 in the last second: more than 400 in flight
            lines.add(line("2026-11-22T10:00:09." + String.format("%06d", i * 600) + "Z", "m" + i));
        }
        try (RawLog log = new RawLog(dir, "")) {
            log.append(lines);
        }
        List<Long> seed = RawTail.identities(dir, "", 400, RedeliveryDetector.LOST_ACK_WINDOW, RedeliveryDetector.RECENT_ACKS);
        assertEquals(1500, seed.size(), "every line of the last two seconds, and none before");
        assertEquals(id("2026-11-22T10:05:00Z", "m0"), seed.get(0), "oldest first");
        assertEquals(3, RawTail.identities(dir, "", 3, java.time.Duration.ZERO, 10).size(), "at least minLines");
        RedeliveryDetector d = new RedeliveryDetector();
        d.seed(seed);
        d.connected();
        assertTrue(d.received(id("2026-11-22T10:05:00Z", "m0")), "a resend from 1,500 lines back is marked");
    }

    @Test
    void anAcknowledgementSentJustBeforeTheConnectionDropped_mayBeLost_soItsResendIsMarked() {
        long[] now = {0};
        RedeliveryDetector d = new RedeliveryDetector(() -> now[0]);
        d.connected();
        d.received(1);
        d.received(2);
        d.received(3);
        d.acknowledged(1, true);
        now[0] += RedeliveryDetector.LOST_ACK_WINDOW_NANOS + 1;
        d.acknowledged(2, true);
        now[0] += RedeliveryDetector.LOST_ACK_WINDOW_NANOS / 2;
        d.acknowledged(3, true);
        d.connected();
        assertTrue(d.received(3), "acknowledged in the last moments: the broker may not have it");
        assertTrue(d.received(2), "within the window before the newest acknowledgement");
        assertFalse(d.received(1), "acknowledged long before the drop: a new message");
    }

    @Test
    void anAcknowledgementThatDidNotGoOut_leavesTheMessageExpectedAgain() {
        RedeliveryDetector d = new RedeliveryDetector();
        d.connected();
        d.received(1);
        d.acknowledged(1, false);
        d.connected();
        assertTrue(d.received(1));
    }

    @Test
    void recentAcknowledgements_areForgottenAtTheNextConnect_soTheyAreSuspectedOnce() {
        RedeliveryDetector d = new RedeliveryDetector();
        d.connected();
        d.received(1);
        d.acknowledged(1, true);
        d.connected();
        assertFalse(d.received(2), "a new message ends the resend phase");
        d.connected();
        assertFalse(d.received(1), "suspected on the connection after the drop only");
    }

    @Test
    void theMemoryOfRecentAcknowledgements_isBounded_andKeepsTheNewest() {
        RedeliveryDetector d = new RedeliveryDetector(() -> 0);
        d.connected();
        int n = RedeliveryDetector.RECENT_ACKS + 10;
        for (int i = 0; i < n; i++) {
            d.received(i);
            d.acknowledged(i, true);
        }
        d.connected();
        assertTrue(d.received(n - 1));
        assertTrue(d.received(10), "the oldest kept");
        assertFalse(d.received(9), "older ones are overwritten");
    }
}
