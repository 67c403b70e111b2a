package io.edgecollector.collector.validate;

import io.edgecollector.collector.parse.Quality;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.edgecollector.collector.parse.MappedMessage;
import io.edgecollector.collector.parse.PayloadDecoder;
import io.edgecollector.collector.parse.RawMessage;
import io.edgecollector.collector.parse.Reading;
import io.edgecollector.collector.parse.ReadingMapper;
import io.edgecollector.collector.parse.TopicTemplate;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MessageProcessorTest {
    static final Instant NOW = Instant.parse("2026-11-22T10:00:05Z");
    static MessageProcessor processor;

    @BeforeAll
    static void setUp(@TempDir Path dir) throws Exception {
        Path registry = dir.resolve("sensors.json");
        Files.writeString(registry, """
                {"sensors":[{"id":"Sensor 1","location":{"lat":10,"lng":10},"type":"temperature",
                 "unit":"C","range":{"min":0,"max":45},"description":"Main Entrance"},
                 {"id":"dev-1","type":"temperature_c","unit":"C","range":{"min":-20,"max":60}}]}""");
        var validator = Validators.create();
        processor = new MessageProcessor(new ReadingMapper(TopicTemplate.of("sensors/{sensor_id}/{metric}"), "value"), validator,
                SensorRegistry.load(registry, validator),
                new QualityRules(List.of(-200.0), Duration.ofMinutes(5), Duration.ofHours(1)));
    }

    static MappedMessage process(String topic, String payload) {
        PayloadDecoder.Decoded d = new PayloadDecoder(262_144).decode(payload.getBytes(StandardCharsets.UTF_8));
        return processor.process(new RawMessage(NOW, topic, 1, false, d.json(), d.error()));
    }

    static Reading only(MappedMessage m) {
        assertEquals(List.of(), m.rejections());
        assertEquals(1, m.readings().size());
        return m.readings().get(0);
    }

    @Test
    void singleReading_withEpochSeconds_isValid() {
        Reading r = only(process("sensors/Sensor 1/temperature",
                "{\"sensor_id\":\"Sensor 1\",\"type\":\"temperature\",\"value\":23.4,\"unit\":\"C\","
                        + "\"location\":{\"lat\":10,\"lng\":10},\"timestamp\":1795341600}"));
        assertEquals("Sensor 1", r.sensorId());
        assertEquals("temperature", r.metric());
        assertEquals(Instant.ofEpochSecond(1795341600), r.ts());
        assertEquals(23.4, r.value());
        assertEquals(10.0, r.lon());
        assertEquals(Quality.VALID, r.quality());
    }

    @Test
    void deviceObject_givesOneReadingPerNumericField() {
        MappedMessage m = process("plant/dev-1", "{\"device_id\":\"dev-1\",\"ts\":\"2026-11-22T10:00:00Z\","
                + "\"temperature_c\":25.5,\"humidity\":60.0,\"lat\":47.1,\"lon\":8.5,\"firmware\":\"1.2\"}");
        assertEquals(List.of(), m.rejections());
        assertEquals(List.of("temperature_c", "humidity"), m.readings().stream().map(Reading::metric).toList());
        assertEquals(Quality.VALID, m.readings().get(0).quality());
        assertEquals("C", m.readings().get(0).unit(), "unit comes from the registry");
        assertEquals(Quality.VALID, m.readings().get(1).quality(), "registered sensor, metric without a range");
        assertEquals(47.1, m.readings().get(1).lat());
    }

    @Test
    void array_keepsGoodItems_andRejectsBadOnesByIndex() {
        MappedMessage m = process("x", "[{\"sensor_id\":\"Sensor 1\",\"type\":\"temperature\",\"value\":20,\"ts\":1795341600},"
                + "{\"sensor_id\":\"Sensor 1\",\"type\":\"temperature\",\"value\":\"warm\",\"ts\":1795428001}, 7]");
        assertEquals(1, m.readings().size());
        assertEquals(List.of("[1] value must be a number, got text 'warm'", "[2] expected an object, got 7"), m.rejections());
    }

    @Test
    void bareNumber_takesIdsFromTopicTemplate_andTimeOfReceipt() {
        Reading r = only(process("sensors/Sensor 1/temperature", "21.5"));
        assertEquals("Sensor 1", r.sensorId());
        assertEquals(NOW, r.ts());
        assertEquals(Quality.VALID, r.quality());
    }

    @Test
    void bareNumber_onTopicOutsideTemplate_isRejectedNamingTheTopic() {
        assertEquals(List.of("a bare value needs sensor_id from the topic, but topic 'other/x' does not match topic_template"),
                process("other/x", "21.5").rejections());
    }

    @Test
    void readingWithoutMetric_onTopicOutsideTemplate_takesTheDefaultMetric() {
        Reading r = only(process("devices/7/up",
                "{\"sensor_id\":\"sensor-007\",\"timestamp\":\"2026-11-22T10:00:00.123Z\",\"value\":21.5,\"unit\":\"C\"}"));
        assertEquals("sensor-007", r.sensorId());
        assertEquals("value", r.metric());
        assertEquals(Instant.parse("2026-11-22T10:00:00.123Z"), r.ts());
        assertEquals(21.5, r.value());
        assertEquals("C", r.unit());
    }

    @Test
    void readingWithoutMetric_takesTheMetricFromTheTopicBeforeTheDefault() {
        Reading r = only(process("sensors/s-1/humidity", "{\"sensor_id\":\"s-1\",\"ts\":1795341600,\"value\":40}"));
        assertEquals("humidity", r.metric());
    }

    @Test
    void readingThatNamesAMetric_keepsIt() {
        assertEquals("pressure", only(process("devices/7/up",
                "{\"sensor_id\":\"s-1\",\"metric\":\"pressure\",\"ts\":1795341600,\"value\":1013}")).metric());
        assertEquals("temperature", only(process("devices/7/up", reading("Sensor 1", 20, 1795341600))).metric());
    }

    @Test
    void configuredDefaultMetric_namesReadingsWithoutOne_bareValuesToo() {
        ReadingMapper mapper = new ReadingMapper(TopicTemplate.of("plant/{sensor_id}"), "level");
        MappedMessage object = mapper.map(new RawMessage(NOW, "elsewhere", 1, false,
                new PayloadDecoder(1024).decode("{\"id\":\"tank-2\",\"ts\":1795341600,\"value\":3.5}"
                        .getBytes(StandardCharsets.UTF_8)).json(), null));
        assertEquals(List.of("level"), object.readings().stream().map(Reading::metric).toList());
        MappedMessage bare = mapper.map(new RawMessage(NOW, "plant/tank-3", 1, false,
                new PayloadDecoder(1024).decode("7.25".getBytes(StandardCharsets.UTF_8)).json(), null));
        assertEquals(List.of("tank-3/level"), bare.readings().stream().map(x -> x.sensorId() + "/" + x.metric()).toList());
    }

    @Test
    void missingIdOrTime_areRejectedWithTheFieldNamed() {
        assertEquals(List.of("no sensor id (sensor_id, device_id, sensor or id) in payload or topic"),
                process("a/b/c/d", "{\"type\":\"t\",\"value\":1,\"ts\":1795341600}").rejections());
        assertEquals(List.of("no timestamp (ts, timestamp or time)"),
                process("x", "{\"sensor_id\":\"s\",\"type\":\"t\",\"value\":1}").rejections());
        assertEquals(List.of("ts '2015-02-02 14:19:00' has no zone offset (add Z or +hh:mm)"),
                process("x", "{\"sensor_id\":\"s\",\"type\":\"t\",\"value\":1,\"ts\":\"2015-02-02 14:19:00\"}").rejections());
    }

    @Test
    void qualityFlags_followTheRegistryAndTheClock() {
        assertEquals(Quality.OUT_OF_RANGE, only(process("x", reading("Sensor 1", 99, 1795341600))).quality());
        assertEquals(Quality.UNKNOWN_SENSOR, only(process("x", reading("Sensor 9", 20, 1795341600))).quality());
        assertEquals(Quality.MISSING_VALUE, only(process("x", reading("Sensor 1", -200, 1795341600))).quality());
        assertEquals(Quality.STALE, only(process("x", reading("Sensor 1", 20, 1795341600 - 7200))).quality());
        assertEquals(Quality.FUTURE_TIMESTAMP, only(process("x", reading("Sensor 1", 20, 1795341600 + 3600))).quality());
        Reading nullValue = only(process("x", "{\"sensor_id\":\"Sensor 1\",\"type\":\"temperature\",\"value\":null,\"ts\":1795341600}"));
        assertNull(nullValue.value());
        assertEquals(Quality.MISSING_VALUE, nullValue.quality());
        assertEquals(Quality.MISSING_VALUE, only(process("x", "{\"sensor_id\":\"Sensor 1\",\"type\":\"temperature\",\"value\":\"NaN\",\"ts\":1795341600}")).quality());
    }

    @Test
    void beanValidation_rejectsWithSpecificReasons() {
        assertEquals(List.of("temperature: value must be a finite number"),
                process("x", "{\"sensor_id\":\"S\",\"type\":\"temperature\",\"value\":1e999,\"ts\":1795341600}").rejections());
        assertEquals(List.of("t: ts must lie between 1970-01-01 and 2099-12-31"),
                process("x", "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":1,\"ts\":\"2150-01-01T00:00:00Z\"}").rejections());
        assertEquals(List.of("t: sensor_id is longer than 200 characters"),
                process("x", "{\"sensor_id\":\"" + "s".repeat(201) + "\",\"type\":\"t\",\"value\":1,\"ts\":1795341600}").rejections());
        assertEquals(List.of("t: lat must be between -90 and 90"),
                process("x", "{\"sensor_id\":\"S\",\"type\":\"t\",\"value\":1,\"ts\":1795341600,\"lat\":91}").rejections());
    }

    @Test
    void notJson_isRejectedWithTheParserReason() {
        MappedMessage m = process("x", "{\"sensor_id\":\"S\",\"value\":");
        assertEquals(0, m.readings().size());
        assertTrue(m.rejections().get(0).startsWith("not JSON: "), m.rejections().toString());
    }

    static String reading(String id, double value, long ts) {
        return "{\"sensor_id\":\"" + id + "\",\"type\":\"temperature\",\"value\":" + value + ",\"timestamp\":" + ts + "}";
    }
}
