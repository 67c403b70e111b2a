package io.edgecollector.collector.rawlog;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.Processed;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The loader may take held lines only where they are exactly what the raw file holds. */
class HandedLinesTest {
    static final String FILE = "raw_20261122.jsonl";

    /** Appends lines t/from..t/to-1 through a real RawLog and holds what it reports written. */
    static List<Written> append(RawLog log, HandedLines fresh, int from, int to) throws Exception {
        List<RawLine> lines = new ArrayList<>();
        List<Processed> processed = new ArrayList<>();
        for (int i = from; i < to; i++) {
            Instant at = Instant.parse("2026-11-22T10:00:00Z").plusSeconds(i);
            lines.add(RawLineCodec.encode(at, "t/" + i, 1, Integer.toString(i).getBytes(StandardCharsets.UTF_8), true, null));
            processed.add(new Processed(at, "t/" + i, false, MappedMessage.rejected("mark " + i)));
        }
        List<Written> written = new ArrayList<>();
        for (RawLog.Run run : log.append(lines)) {
            written.add(Written.of(run, lines, processed));
        }
        written.forEach(fresh::add);
        return written;
    }

    static List<String> topics(HandedLines.Taken taken) {
        return taken.processed().stream().map(Processed::topic).toList();
    }

    /** The held chunk must be byte for byte, line for line, what reading the file gives. */
    static void assertSameAsFile(Path dir, HandedLines.Taken taken) throws Exception {
        RawChunk held = taken.chunk();
        RawChunk read = RawChunk.read(dir.resolve(FILE), held.startOffset(), 1 << 20, held.lines().size());
        assertEquals(read.startOffset(), held.startOffset());
        assertEquals(read.endOffset(), held.endOffset());
        assertEquals(read.lines(), held.lines());
        int span = (int) (held.endOffset() - held.startOffset());
        assertArrayEquals(Arrays.copyOf(read.buffer(), span), Arrays.copyOf(held.buffer(), span));
    }

    @Test
    void take_fromTheCheckpoint_givesWhatTheFileHolds_inParts(@TempDir Path dir) throws Exception {
        HandedLines fresh = new HandedLines();
        try (RawLog log = new RawLog(dir, "")) {
            append(log, fresh, 0, 3);
            append(log, fresh, 3, 5);
        }
        HandedLines.Taken first = fresh.take(FILE, 0, 4, Long.MAX_VALUE);
        assertEquals(List.of("t/0", "t/1", "t/2", "t/3"), topics(first), "across two batches, up to maxLines");
        assertSameAsFile(dir, first);
        HandedLines.Taken rest = fresh.take(FILE, first.chunk().endOffset(), 100, Long.MAX_VALUE);
        assertEquals(List.of("t/4"), topics(rest), "the rest of a batch taken in part");
        assertSameAsFile(dir, rest);
        assertNull(fresh.take(FILE, rest.chunk().endOffset(), 100, Long.MAX_VALUE), "nothing more is held");
    }

    @Test
    void take_whereNoHeldLineStarts_givesNothing_soTheLoaderReadsTheFile(@TempDir Path dir) throws Exception {
        HandedLines fresh = new HandedLines();
        List<Written> written;
        try (RawLog log = new RawLog(dir, "")) {
            written = append(log, fresh, 0, 3);
        }
        assertNull(fresh.take("raw_20261123.jsonl", 0, 100, Long.MAX_VALUE), "another file");
        HandedLines.Taken all = fresh.take(FILE, 0, 100, Long.MAX_VALUE);
        assertEquals(List.of("t/0", "t/1", "t/2"), topics(all), "those misses dropped nothing the loader still needs");
        assertEquals(written.get(0).end(), all.chunk().endOffset());
        try (RawLog log = new RawLog(dir, "")) {
            append(log, fresh, 3, 4);
        }
        assertNull(fresh.take(FILE, written.get(0).end() + 5, 100, Long.MAX_VALUE), "a checkpoint inside a held line");
    }

    @Test
    void linesAlreadyLoadedFromTheFile_areDropped(@TempDir Path dir) throws Exception {
        HandedLines fresh = new HandedLines();
        List<Written> first;
        try (RawLog log = new RawLog(dir, "")) {
            first = append(log, fresh, 0, 2);
            append(log, fresh, 2, 4);
        }
        HandedLines.Taken later = fresh.take(FILE, first.get(0).end(), 100, Long.MAX_VALUE);
        assertEquals(List.of("t/2", "t/3"), topics(later));
        assertNull(fresh.take(FILE, 0, 100, Long.MAX_VALUE), "the batch before the checkpoint was let go");
    }

    @Test
    void beyondTheBound_theOldestAreDropped_andTheLoaderReadsThemFromTheFile(@TempDir Path dir) throws Exception {
        HandedLines fresh = new HandedLines();
        int batch = HandedLines.MAX_LINES / 4;
        List<Written> first;
        try (RawLog log = new RawLog(dir, "")) {
            first = append(log, fresh, 0, batch);
            for (int b = 1; b <= 4; b++) {
                append(log, fresh, b * batch, (b + 1) * batch);
            }
        }
        assertNull(fresh.take(FILE, 0, 100, Long.MAX_VALUE), "the oldest batch is no longer held");
        HandedLines.Taken next = fresh.take(FILE, first.get(0).end(), 1, Long.MAX_VALUE);
        assertEquals(List.of("t/" + batch), topics(next), "the batches after it still are");
        assertSameAsFile(dir, next);
    }

    @Test
    void linesOfTwoDays_goToTwoFiles_eachTakenFromItsOwn(@TempDir Path dir) throws Exception {
        HandedLines fresh = new HandedLines();
        try (RawLog log = new RawLog(dir, "")) {
            RawLine late = RawLineCodec.encode(Instant.parse("2026-11-22T23:59:59Z"), "late", 1, "1".getBytes(StandardCharsets.UTF_8), true, null);
            RawLine early = RawLineCodec.encode(Instant.parse("2026-11-23T00:00:00Z"), "early", 1, "2".getBytes(StandardCharsets.UTF_8), true, null);
            List<Processed> processed = List.of(
                    new Processed(Instant.parse("2026-11-22T23:59:59Z"), "late", false, MappedMessage.rejected("x")),
                    new Processed(Instant.parse("2026-11-23T00:00:00Z"), "early", false, MappedMessage.rejected("y")));
            List<RawLine> lines = List.of(late, early);
            for (RawLog.Run run : log.append(lines)) {
                fresh.add(Written.of(run, lines, processed));
            }
        }
        assertEquals(List.of("early"), topics(fresh.take("raw_20261123.jsonl", 0, 100, Long.MAX_VALUE)));
        assertEquals(List.of("late"), topics(fresh.take(FILE, 0, 100, Long.MAX_VALUE)));
    }

    @Test
    void largeLines_areHeldUpToTheByteBound(@TempDir Path dir) throws Exception {
        HandedLines fresh = new HandedLines();
        byte[] big = ("\"" + "x".repeat(1024 * 1024) + "\"").getBytes(StandardCharsets.UTF_8);
        List<Long> starts = new ArrayList<>();
        try (RawLog log = new RawLog(dir, "")) {
            for (int i = 0; i < 6; i++) {
                List<RawLine> lines = List.of(RawLineCodec.encode(Instant.parse("2026-11-22T10:00:00Z"), "big/" + i, 1, big, true, null));
                RawLog.Run run = log.append(lines).get(0);
                starts.add(run.start());
                fresh.add(Written.of(run, lines, java.util.Collections.singletonList(null)));
            }
        }
        assertNull(fresh.take(FILE, starts.get(1), 100, Long.MAX_VALUE), "six 1 MB lines do not all stay held");
        HandedLines.Taken last = fresh.take(FILE, starts.get(5), 100, Long.MAX_VALUE);
        assertEquals(1, last.chunk().lines().size(), "the newest is held");
        assertSameAsFile(dir, last);
    }

    @Test
    void take_stopsAtMaxBytes_soAPartOfTheFileEndsWhereItWasAskedTo_butAlwaysGivesTheFirstLine(@TempDir Path dir) throws Exception {
        HandedLines fresh = new HandedLines();
        List<Written> written;
        try (RawLog log = new RawLog(dir, "")) {
            written = append(log, fresh, 0, 4);
        }
        long end = written.get(written.size() - 1).end();
        HandedLines.Taken one = fresh.take(FILE, 0, 100, 1);
        assertEquals(List.of("t/0"), topics(one), "a line longer than maxBytes still comes alone");
        long second = one.chunk().endOffset();
        HandedLines.Taken upTo = fresh.take(FILE, second, 100, end - second - 1);
        assertEquals(List.of("t/1", "t/2"), topics(upTo), "not the line that would end past maxBytes");
        assertSameAsFile(dir, upTo);
        assertEquals(List.of("t/3"), topics(fresh.take(FILE, upTo.chunk().endOffset(), 100, Long.MAX_VALUE)));
    }
}
