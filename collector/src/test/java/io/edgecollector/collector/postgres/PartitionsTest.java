package io.edgecollector.collector.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgecollector.collector.parse.Quality;
import io.edgecollector.collector.parse.Reading;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Which monthly partitions a batch asks for, with the month last found known remembered. */
class PartitionsTest {
    /** The first days of the months asked for, in order, through a connection that only records them. */
    private final List<String> created = new ArrayList<>();
    private final Connection connection = (Connection) Proxy.newProxyInstance(getClass().getClassLoader(),
            new Class<?>[] {Connection.class}, (proxy, method, args) -> switch (method.getName()) {
                case "prepareStatement" -> statement();
                default -> null;
            });

    private PreparedStatement statement() {
        return (PreparedStatement) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {PreparedStatement.class}, (proxy, method, args) -> {
                    if (method.getName().equals("setString")) {
                        created.add((String) args[1]);
                    }
                    return method.getReturnType() == boolean.class ? false : null;
                });
    }

    private static Reading reading(String ts, String receivedAt) {
        return new Reading("s1", "t", Instant.parse(ts), 1.0, null, null, null, "x", Instant.parse(receivedAt), Quality.VALID);
    }

    @Test
    void eachNearMonth_isCreatedOnce_andFarOnesGoToTheDefault() throws Exception {
        Partitions partitions = new Partitions();
        partitions.ensureFor(connection, List.of(
                reading("2026-12-31T23:59:59.999999Z", "2027-01-01T00:00:00Z"),
                reading("2027-01-01T00:00:00Z", "2027-01-01T00:00:00Z"),
                reading("2020-01-01T00:00:00Z", "2027-01-01T00:00:00Z"), // far back: default partition
                reading("2027-03-31T23:59:59Z", "2027-01-01T00:00:00Z"),
                reading("2027-04-01T00:00:00Z", "2027-01-01T00:00:00Z"))); // beyond two months ahead
        assertEquals(List.of("2026-12-01", "2027-01-01", "2027-03-01"), created);

        created.clear();
        partitions.ensureFor(connection, List.of(
                reading("2027-01-15T00:00:00Z", "2027-01-15T00:00:00Z"),
                reading("2027-01-31T23:59:59.999Z", "2027-02-01T00:00:00.001Z"), // received in the next month
                reading("2027-02-01T00:00:00Z", "2027-02-01T00:00:00Z")));
        assertEquals(List.of("2027-02-01"), created);
    }

    /** Against the check without the remembered month, over random batches: the same months asked for. */
    @Test
    void rememberedMonth_asksForTheSameMonths_asCheckingEveryRow() throws Exception {
        Random random = new Random(11);
        Partitions partitions = new Partitions();
        Set<YearMonth> expected = new TreeSet<>();
        for (int batch = 0; batch < 300; batch++) {
            List<Reading> readings = new ArrayList<>();
            long base = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond() + batch * 86_400L * 3;
            for (int i = 0; i < 50; i++) {
                long received = base + random.nextInt(86_400);
                long ts = random.nextInt(10) == 0 ? received + random.nextLong(-86_400L * 600, 86_400L * 120)
                        : received - random.nextInt(3_600);
                readings.add(new Reading("s", "t", Instant.ofEpochSecond(ts, random.nextInt(1_000_000_000)), 1.0,
                        null, null, null, "x", Instant.ofEpochSecond(received), Quality.VALID));
                YearMonth month = YearMonth.from(readings.get(i).ts().atZone(ZoneOffset.UTC));
                YearMonth at = YearMonth.from(readings.get(i).receivedAt().atZone(ZoneOffset.UTC));
                if (!month.isBefore(at.minusMonths(13)) && !month.isAfter(at.plusMonths(2))) {
                    expected.add(month);
                }
            }
            partitions.ensureFor(connection, readings);
        }
        assertEquals(expected.stream().map(m -> m.atDay(1).toString()).sorted().toList(),
                created.stream().sorted().toList());
        assertEquals(created.size(), new HashSet<>(created).size(), "a month asked for twice: " + created);
    }
}
