package io.edgecollector.collector.lake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
    void drain_withoutSpilling_givesTheOrderOfAStableSortByKey(@TempDir Path dir) throws Exception {
        for (long seed = 0; seed < 20; seed++) {
            List<KeyOrder.Row> rows = rows(5_000, seed);
            List<KeyOrder.Row> expected = new ArrayList<>(rows);
            expected.sort(KeyOrder.Row.BY_KEY); // List.sort is stable
            List<KeyOrder.Row> out = new ArrayList<>();

            try (KeyOrder order = new KeyOrder(dir, 1 << 20)) {
                for (KeyOrder.Row r : rows) {
                    order.add(r);
                }
                order.drain((row, duplicate) -> out.add(row));
                assertEquals(0, order.spilledRuns());
            }

            assertEquals(expected.size(), out.size());
            for (int i = 0; i < out.size(); i++) {
                assertSame(expected.get(i), out.get(i), "row " + i + " of seed " + seed);
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
    void readingsAdded_shareTheTextsOfTheirSensorAndMetric_andKeepTheirValues(@TempDir Path dir) throws Exception {
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
        assertSame(out.get(0).unit(), out.get(1).unit());
        assertSame(out.get(0).topic(), out.get(1).topic());
        assertEquals("sensors/s2/temperature", out.get(2).topic());
        assertNull(out.get(2).unit(), "a missing unit stays missing");
    }

    @Test
    void beyondTheGroupsItKeeps_theyAreForgottenAtTheNextSpill_andNoRowIsLost(@TempDir Path dir) throws Exception {
        int sensors = 2 * KeyOrder.MAX_GROUPS;
        List<String> out = new ArrayList<>();
        try (KeyOrder order = new KeyOrder(dir, 1_000)) {
            for (int i = 0; i < sensors; i++) { // a sensor id never seen again: one group each
                order.add(reading(String.format("filler-%06d", i), 0, "C"));
            }
            assertTrue(order.groups() <= KeyOrder.MAX_GROUPS + 1_000,
                    order.groups() + " groups kept after " + order.spilledRuns() + " spills");
            order.add(reading("zz", 2, "C"));
            order.add(reading("zz", 1, "C"));
            order.drain((row, duplicate) -> out.add(row.sensorId() + "@" + row.tsMicros()));
        }

        assertEquals(sensors + 2, out.size());
        assertEquals("filler-000000@1764634600000000", out.get(0));
        assertEquals(List.of("zz@1764634601000000", "zz@1764634602000000"), out.subList(sensors, sensors + 2));
    }
}
