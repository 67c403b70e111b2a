package io.edgecollector.collector.rawlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RawFilesTest {
    @Test
    void dayOf_readsTheDay_andAnImpossibleDateIsNoRawFile() {
        assertEquals(LocalDate.of(2026, 12, 3), RawFiles.dayOf(Path.of("raw_20261203.jsonl")));
        assertEquals(LocalDate.of(2024, 2, 29), RawFiles.dayOf(Path.of("raw_20240229_line-2.jsonl.gz")));
        assertNull(RawFiles.dayOf(Path.of("raw_20261399.jsonl")));
        assertNull(RawFiles.dayOf(Path.of("raw_20250229.jsonl")));
        assertNull(RawFiles.dayOf(Path.of("raw_2026120.jsonl")));
        assertNull(RawFiles.dayOf(Path.of("notes.txt")));
    }

    @Test
    void list_keepsRawFilesInDayOrder_andSkipsOthers(@TempDir Path dir) throws Exception {
        for (String name : List.of("raw_20261203.jsonl", "raw_20261202.jsonl", "raw_20261201.jsonl.gz",
                "raw_20261399.jsonl", "raw_20261202_b.jsonl", "alerts_20261202.jsonl")) {
            Files.writeString(dir.resolve(name), "");
        }
        assertEquals(List.of(dir.resolve("raw_20261202.jsonl"), dir.resolve("raw_20261203.jsonl")), RawFiles.list(dir, ""));
        assertEquals(List.of(dir.resolve("raw_20261202_b.jsonl")), RawFiles.list(dir, "b"));
    }

    /** The directory's time as a quiet directory has it: a minute before now. */
    private static void settle(Path dir) throws Exception {
        Files.setLastModifiedTime(dir, FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    }

    @Test
    void aListingIsGivenAgain_whileTheSettledDirectoryKeepsItsTime_andTakenAgainWhenAnEntryChanges(@TempDir Path dir)
            throws Exception {
        Files.writeString(dir.resolve("raw_20261202.jsonl"), "{}\n");
        settle(dir);
        assertEquals(List.of(dir.resolve("raw_20261202.jsonl")), RawFiles.list(dir, null));

        // a file added while the directory's time is put back (no file system does this by itself):
        // the listing kept is given, which shows it is kept
        FileTime before = Files.getLastModifiedTime(dir);
        Files.writeString(dir.resolve("raw_20261203.jsonl"), "{}\n");
        Files.setLastModifiedTime(dir, before);
        assertEquals(List.of(dir.resolve("raw_20261202.jsonl")), RawFiles.list(dir, null));

        // any real change moves the directory's time: created, removed, renamed
        Files.writeString(dir.resolve("raw_20261204.jsonl"), "{}\n");
        assertEquals(3, RawFiles.list(dir, null).size());
        settle(dir);
        assertEquals(3, RawFiles.list(dir, null).size());
        Files.delete(dir.resolve("raw_20261202.jsonl"));
        assertEquals(List.of(dir.resolve("raw_20261203.jsonl"), dir.resolve("raw_20261204.jsonl")), RawFiles.list(dir, null));
        settle(dir);
        RawFiles.list(dir, null);
        Files.move(dir.resolve("raw_20261203.jsonl"), dir.resolve("raw_20261203.jsonl.gz"));
        assertEquals(List.of(dir.resolve("raw_20261204.jsonl")), RawFiles.list(dir, null));

        // each instance's answer is kept with the listing, and goes with it
        settle(dir);
        assertEquals(List.of(dir.resolve("raw_20261204.jsonl")), RawFiles.list(dir, ""));
        assertEquals(List.of(), RawFiles.list(dir, "line-2"));
        Files.writeString(dir.resolve("raw_20261204_line-2.jsonl"), "{}\n");
        assertEquals(List.of(dir.resolve("raw_20261204_line-2.jsonl")), RawFiles.list(dir, "line-2"));
        assertEquals(List.of(dir.resolve("raw_20261204.jsonl")), RawFiles.list(dir, ""));
        assertEquals(2, RawFiles.list(dir, null).size());
    }

    @Test
    void aChangeInTheSameTickAsTheDirectorysTime_isSeenOnceThatTimeHasSettled(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("raw_20261202.jsonl"), "{}\n");
        long recent = System.currentTimeMillis() - RawFiles.SETTLED_MILLIS + 300;
        Files.setLastModifiedTime(dir, FileTime.fromMillis(recent));
        assertEquals(1, RawFiles.list(dir, null).size());
        // a file added within the same timestamp as the listing's: not visible in the directory's time
        Files.writeString(dir.resolve("raw_20261203.jsonl"), "{}\n");
        Files.setLastModifiedTime(dir, FileTime.fromMillis(recent));

        Thread.sleep(400); // the directory's time is now SETTLED_MILLIS old: listed again
        assertEquals(2, RawFiles.list(dir, null).size());
    }
}
