package io.edgecollector.collector.kafka;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.rawlog.RawLine;
import io.edgecollector.collector.rawlog.RawLineCodec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResendsTest {
    private static RawLine line(int i) {
        return RawLineCodec.encode(Instant.parse("2026-12-02T10:00:00Z").plusSeconds(i), "t/" + i, 1,
                ("{\"v\":" + i + "}").getBytes(StandardCharsets.UTF_8), true, null);
    }

    private static long identity(RawLine l) {
        byte[] b = l.bytes();
        return RawLineCodec.identity(b, 0, b.length - 1);
    }

    @Test
    void remembers_theLastWindowOfLines_only() {
        Resends r = new Resends(3);
        for (int i = 0; i < 5; i++) {
            r.add(identity(line(i)));
        }
        assertFalse(r.seen(identity(line(1))), "fell out of the window");
        assertTrue(r.seen(identity(line(2))));
        assertTrue(r.seen(identity(line(4))));
    }

    @Test
    void seed_takesTheWholeLinesJustBeforeTheCheckpoint_whateverTheirReceiptTime(@TempDir Path dir) throws Exception {
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        for (int i = 0; i < 10; i++) {
            file.writeBytes(line(i).bytes());
        }
        long checkpoint = file.size();
        file.writeBytes(line(10).bytes());
        Path f = dir.resolve("raw_20261202.jsonl");
        Files.write(f, file.toByteArray());
        Resends r = new Resends(4);
        r.seed(f, checkpoint);
        RawLine resent = RawLineCodec.markRedelivered(RawLineCodec.encode(Instant.parse("2026-12-03T00:00:00Z"), "t/9", 1,
                "{\"v\":9}".getBytes(StandardCharsets.UTF_8), true, null));
        assertTrue(r.seen(identity(resent)), "a resend of a line before the checkpoint");
        assertTrue(r.seen(identity(line(6))));
        assertFalse(r.seen(identity(line(5))), "beyond the window");
        assertFalse(r.seen(identity(line(10))), "after the checkpoint: not forwarded yet");
    }
}
