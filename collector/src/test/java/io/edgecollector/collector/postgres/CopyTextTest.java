package io.edgecollector.collector.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgecollector.collector.parse.Quality;
import io.edgecollector.collector.parse.Reading;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The COPY text of readings: instants written without Instant.toString mean the same instants. */
class CopyTextTest {
    @Test
    void instants_readBackAsTheSameInstant_acrossTheWholeRange() {
        Random random = new Random(7);
        for (int i = 0; i < 200_000; i++) {
            Instant t = Instant.ofEpochSecond(random.nextLong(-62_200_000_000L, 253_500_000_000L),
                    i % 3 == 0 ? 0 : random.nextInt(1_000_000_000));
            String text = LoadTransaction.CopyText.instant(new StringBuilder(), t).toString();
            assertEquals(t, Instant.parse(text), text);
        }
        assertEquals("1970-01-01T00:00:00Z", LoadTransaction.CopyText.instant(new StringBuilder(), Instant.EPOCH).toString());
        assertEquals("2026-12-02T10:00:00.086400Z",
                LoadTransaction.CopyText.instant(new StringBuilder(), Instant.parse("2026-12-02T10:00:00.0864Z")).toString());
        assertEquals("+10000-01-01T00:00:00Z",
                LoadTransaction.CopyText.instant(new StringBuilder(), Instant.parse("+10000-01-01T00:00:00Z")).toString());
    }

    @Test
    void aRow_isTabSeparated_withEscapes_andTheSharedReceivedAtRepeated() {
        Instant ts = Instant.parse("2024-01-01T00:01:00Z");
        Instant at = Instant.parse("2026-12-02T10:00:00.5Z");
        String text = new String(LoadTransaction.CopyText.encode(List.of(
                new Reading("s\t1", "t", ts, 1.5, null, null, null, "import/x", at, Quality.VALID),
                new Reading("s2", "t", ts, null, "C", null, null, "import/x", Instant.parse("2026-12-02T10:00:00.5Z"),
                        Quality.MISSING_VALUE))), StandardCharsets.UTF_8);
        assertEquals("s\\t1\tt\t2024-01-01T00:01:00Z\t1.5\t\\N\tvalid\timport/x\t2026-12-02T10:00:00.500Z\n"
                + "s2\tt\t2024-01-01T00:01:00Z\t\\N\tC\tmissing_value\timport/x\t2026-12-02T10:00:00.500Z\n", text);
    }
}
