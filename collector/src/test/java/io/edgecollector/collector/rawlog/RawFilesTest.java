package io.edgecollector.collector.rawlog;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Files;
import java.nio.file.Path;
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
}
