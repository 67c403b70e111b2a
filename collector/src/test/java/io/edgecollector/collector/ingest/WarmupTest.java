package io.edgecollector.collector.ingest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.MessagePath;
import io.edgecollector.collector.config.CollectorConfig;
import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.PlainObject;
import io.edgecollector.collector.parse.TopicTemplate;
import io.edgecollector.collector.validate.MessageProcessor;
import io.edgecollector.collector.validate.SensorRegistry;
import io.edgecollector.collector.validate.Validators;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The warm-up runs the paths real traffic takes: mostly the plain path, with the names and number forms sites send. */
class WarmupTest {
    static final MessageProcessor PROCESSOR = MessagePath.processor(CollectorConfig.defaults(), Validators.create(),
            SensorRegistry.empty());
    static final PayloadDecoder DECODER = new PayloadDecoder(CollectorConfig.defaults().maxPayloadBytes());
    static final TopicTemplate TEMPLATE = TopicTemplate.of("sensors/{sensor_id}/{metric}");
    static final Instant NOW = Instant.parse("2026-12-03T10:00:00.123456Z");

    @Test
    void sixInTenPayloads_takeThePlainPath_eachGivingOneReading_andVaryInNamesAndForms() {
        int plain = 0;
        Set<String> firstNames = new HashSet<>();
        Set<String> tsNames = new HashSet<>();
        for (int i = 0; i < 1_000; i++) {
            String payload = Warmup.payload(i, NOW);
            PlainObject obj = DECODER.plain(payload.getBytes(StandardCharsets.UTF_8));
            MappedMessage mapped = obj == null ? null : PROCESSOR.processPlain(obj, TEMPLATE.example("Sensor " + (i % 7), "co2"), NOW);
            if (i % 10 < 6) {
                assertNotNull(mapped, "payload " + i + " should map on the plain path: " + payload);
                assertEquals(1, mapped.readings().size(), payload);
                assertTrue(mapped.rejections().isEmpty(), payload);
                plain++;
                firstNames.add(payload.substring(2, payload.indexOf('"', 2)));
                int last = payload.lastIndexOf(",\"") + 2;
                tsNames.add(payload.substring(last, payload.indexOf('"', last)));
            }
        }
        assertEquals(600, plain);
        assertEquals(Set.of("sensor_id", "device_id", "sensor", "id"), firstNames);
        assertEquals(Set.of("ts", "timestamp", "time"), tsNames);
    }

    @Test
    void run_givesReadings_andStopsWhenTrafficStarts() {
        assertTrue(Warmup.run(DECODER, PROCESSOR, TEMPLATE, 2_000, () -> false) > 2_000);

        AtomicInteger asked = new AtomicInteger();
        Set<String> threads = new HashSet<>();
        long readings = Warmup.run(DECODER, PROCESSOR, TEMPLATE, 100_000, () -> {
            threads.add(Thread.currentThread().getName());
            return asked.incrementAndGet() > Warmup.CHUNK / 256 + 2;
        });
        assertEquals(Warmup.CHUNK / 256 + 3, asked.get(), "asked every 256 messages until traffic started");
        assertEquals(Set.of("collector-warm-up-0", "collector-warm-up-1"), threads, "the next chunk runs on a thread of its own");
        assertTrue(readings > Warmup.CHUNK && readings < 4 * Warmup.CHUNK, readings + " readings before it stopped (100,000 messages give about 250,000)");
    }
}
