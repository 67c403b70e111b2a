package io.edgecollector.collector.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.edgecollector.collector.parse.Quality;
import io.edgecollector.collector.parse.Reading;
import java.time.Instant;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows come out in the order of a stable sort by key, whether they arrive in time order or not. */
class KeyOrderTest {

    /**
     * Rows of a few sensors and metrics, mostly in time order per sensor and metric as a raw
     * file gives them, with late arrivals and repeated keys (the same ts again, a later value).
     */
    private static List<KeyOrder.Row> rows(int n, long seed) {
        Random random = new Random(seed);
        String[] sensors = {"Sensor 10", "Sensor 2", "Sensor 1", "capteur-é"};
        String[] metrics = {"temperature", "humidity", "co2"};
        List<KeyOrder.Row> rows = new ArrayList<>();
        long ts = 1_764_634_600_000_000L;
        for (int i = 0; i < n; i++) {
            ts += random.nextInt(3); // the same ts twice now and then
            long rowTs = random.nextInt(50) == 0 ? ts - random.nextInt(1_000) : ts; // a late arrival
            String sensor = sensors[random.nextInt(sensors.length)];
            String metric = metrics[random.nextInt(metrics.length)];
            rows.add(new KeyOrder.Row(new String(sensor), new String(metric), rowTs, (double) i, "C", Quality.VALID,
                    "sensors/" + sensor, rowTs));
        }
        return rows;
    }

    @Test
    void sortByKey_givesTheOrderOfAStableSortByKey() {
        for (long seed = 0; seed < 20; seed++) {
            List<KeyOrder.Row> rows = rows(5_000, seed);
            List<KeyOrder.Row> expected = new ArrayList<>(rows);
            expected.sort(KeyOrder.Row.BY_KEY); // List.sort is stable

            KeyOrder.sortByKey(rows);

            for (int i = 0; i < rows.size(); i++) {
                assertSame(expected.get(i), rows.get(i), "row " + i + " of seed " + seed);
            }
        }
    }

    @Test
    void drain_overSpilledRuns_givesKeyOrder_andMarksAllButTheFirstOfAKeyAsDuplicates(@TempDir Path dir) throws Exception {
        List<KeyOrder.Row> rows = rows(20_000, 7);
        List<KeyOrder.Row> expected = new ArrayList<>(rows);
        expected.sort(KeyOrder.Row.BY_KEY);
        List<String> out = new ArrayList<>();
        try (KeyOrder order = new KeyOrder(dir, 1_500)) {
            for (KeyOrder.Row r : rows) {
                order.add(r);
            }
            assertEquals(13, order.spilledRuns());
            order.drain((row, duplicate) -> out.add(row + (duplicate ? " duplicate" : "")));
        }

        List<String> want = new ArrayList<>();
        KeyOrder.Row previous = null;
        for (KeyOrder.Row r : expected) {
            want.add(r + (previous != null && previous.sameKey(r) ? " duplicate" : ""));
            previous = r;
        }
        assertEquals(want, out);
    }

    private static Reading reading(String sensor, long second, String unit) {
        Instant ts = Instant.ofEpochSecond(1_764_634_600L + second);
        return new Reading(new String(sensor), new String("temperature"), ts, 1.5, unit == null ? null : new String(unit),
                null, null, new String("sensors/" + sensor + "/temperature"), ts, Quality.VALID);
    }

    @Test
    void readingsAdded_shareOneInstanceOfEachText_andKeepTheirValues(@TempDir Path dir) throws Exception {
        List<KeyOrder.Row> out = new ArrayList<>();
        try (KeyOrder order = new KeyOrder(dir, 1_000)) {
            order.add(reading("s1", 2, "C"));
            order.add(reading("s1", 1, "C"));
            order.add(reading("s2", 1, null));
            order.drain((row, duplicate) -> out.add(row));
        }

        assertEquals(List.of("s1", "s1", "s2"), out.stream().map(KeyOrder.Row::sensorId).toList());
        assertEquals(List.of(1_764_634_601_000_000L, 1_764_634_602_000_000L, 1_764_634_601_000_000L),
                out.stream().map(KeyOrder.Row::tsMicros).toList());
        assertSame(out.get(0).sensorId(), out.get(1).sensorId());
        assertSame(out.get(0).metric(), out.get(2).metric());
        assertSame(out.get(0).unit(), out.get(1).unit());
        assertSame(out.get(0).topic(), out.get(1).topic());
        assertEquals("sensors/s2/temperature", out.get(2).topic());
        assertNull(out.get(2).unit(), "a missing unit stays missing");
    }

    @Test
    void beyondTheTextsItShares_readingsKeepTheirOwnTexts(@TempDir Path dir) throws Exception {
        List<KeyOrder.Row> out = new ArrayList<>();
        try (KeyOrder order = new KeyOrder(dir, 1 << 20)) {
            for (int i = 0; i < (1 << 16) / 2; i++) { // sensor and topic: two texts each, metric and unit shared
                order.add(reading("filler-" + i, 0, "C"));
            }
            order.add(reading("zz", 1, "C"));
            order.add(reading("zz", 2, "C"));
            order.drain((row, duplicate) -> {
                if (row.sensorId().equals("zz")) {
                    out.add(row);
                }
            });
        }

        assertEquals(2, out.size());
        assertEquals(out.get(0).sensorId(), out.get(1).sensorId());
        assertNotSame(out.get(0).sensorId(), out.get(1).sensorId(), "the table is full: no new text is kept");
        assertSame(out.get(0).metric(), out.get(1).metric(), "texts seen before it filled are still shared");
    }
}
