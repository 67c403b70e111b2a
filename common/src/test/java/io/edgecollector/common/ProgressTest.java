package io.edgecollector.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String output() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void plain_printsWholeLines_withoutRedrawing() {
        Progress p = new Progress("replay", Progress.Unit.MESSAGES, 1000, out, false, null);
        p.add(250);
        p.show();
        p.add(250);
        p.show();
        p.finish();
        String[] lines = output().split("\n");
        assertEquals(3, lines.length, output());
        assertTrue(lines[0].startsWith("replay: 250/1,000 msg (25%), "), lines[0]);
        assertTrue(lines[0].contains(" msg/s, ") && lines[0].endsWith(" left"), lines[0]);
        assertTrue(lines[1].startsWith("replay: 500/1,000 msg (50%)"), lines[1]);
        assertTrue(lines[2].matches("replay: 500 msg in [0-9.]+s \\([0-9,]+ msg/s\\)"), lines[2]);
        assertFalse(output().contains("\r"), "no carriage returns in logs");
    }

    @Test
    void terminal_redrawsOneLine_withABar_thenEndsIt() {
        Progress p = new Progress("compact 2026-11-22", Progress.Unit.BYTES, 200_000_000, out, true, null);
        p.add(50_000_000);
        p.show();
        p.add(150_000_000);
        p.show();
        p.finish();
        String o = output();
        assertTrue(o.startsWith("\rcompact 2026-11-22: [######                  ] 50.0/200.0 MB (25%)"), o);
        assertTrue(o.contains("\rcompact 2026-11-22: [########################] 200.0/200.0 MB (100%)"), o);
        assertTrue(o.matches("(?s).*\rcompact 2026-11-22: 200\\.0 MB in [0-9.]+s \\([0-9.]+ MB/s\\) *\n"), o);
        assertEquals(1, o.split("\n", -1).length - 1, "one line on the terminal");
    }

    @Test
    void unknownTotal_showsCountAndRate_only() {
        Progress p = new Progress("publish", Progress.Unit.MESSAGES, 0, out, false, null);
        p.set(12_345);
        p.show();
        assertTrue(output().matches("publish: 12,345 msg, [0-9,]+ msg/s\n"), output());
    }

    @Test
    void silent_printsNothing_whateverIsCalled() {
        Progress p = Progress.silent(out);
        p.add(5);
        p.set(7);
        p.show();
        p.finish();
        p.close();
        assertEquals("", output());
    }

    @Test
    void none_isSilent_andKeepsNoCountBetweenUsers() {
        Progress.NONE.add(5);
        Progress.NONE.set(9);
        assertEquals(0, Progress.NONE.done(), "NONE is shared: a count would leak from one user to the next");
    }
}
