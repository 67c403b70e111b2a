package io.edgecollector.collector.lake;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.edgecollector.collector.parse.Quality;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The direct row writer writes the very file parquet-avro writes from GenericRecords. */
class MeasurementWriteSupportTest {

    /** Rows with every kind of value: null value and unit, every quality, non-ASCII text, runs of repeated strings. */
    static List<KeyOrder.Row> rows(int n) {
        Random random = new Random(42);
        String[] sensors = {"Sensor 1", "Sensor 2", "capteur-é", "传感器-3"};
        String[] metrics = {"temperature", "humidity", "值"};
        String[] units = {"C", "%", null, "µg/m³"};
        Quality[] qualities = Quality.values();
        List<KeyOrder.Row> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String sensor = sensors[(i / 500) % sensors.length];
            String metric = metrics[(i / 100) % metrics.length];
            Double value = random.nextInt(20) == 0 ? null : random.nextGaussian() * 100;
            rows.add(new KeyOrder.Row(new String(sensor), new String(metric), 1_764_634_600_000_000L + i * 86_400L, value,
                    units[random.nextInt(units.length)], qualities[random.nextInt(qualities.length)],
                    "sensors/" + sensor + "/" + metric, 1_764_634_600_000_000L + i * 86_401L));
        }
        return rows;
    }

    @Test
    void writesTheSameBytesAsParquetAvroFromGenericRecords(@TempDir Path dir) throws Exception {
        List<KeyOrder.Row> rows = rows(300_000); // more than one page per column
        Path avro = dir.resolve("avro.parquet");
        try (ParquetWriter<GenericRecord> out = ParquetFiles.writer(avro, LakeSchemas.MEASUREMENT)) {
            GenericRecord record = new GenericData.Record(LakeSchemas.MEASUREMENT);
            for (KeyOrder.Row r : rows) {
                record.put("sensor_id", r.sensorId());
                record.put("metric", r.metric());
                record.put("ts", r.tsMicros());
                record.put("value", r.value());
                record.put("unit", r.unit());
                record.put("quality", r.quality().label());
                record.put("topic", r.topic());
                record.put("received_at", r.receivedAtMicros());
                out.write(record);
            }
        }
        Path direct = dir.resolve("direct.parquet");
        try (ParquetWriter<KeyOrder.Row> out = ParquetFiles.measurementWriter(direct)) {
            for (KeyOrder.Row r : rows) {
                out.write(r);
            }
        }
        // within one JVM: the column chunks' encoding sets iterate in the same order
        assertArrayEquals(Files.readAllBytes(avro), Files.readAllBytes(direct), "the same file, byte for byte");
        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement s = duck.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*), count(value), count(unit), count(DISTINCT quality) FROM read_parquet('"
                     + direct + "')")) {
            rs.next();
            assertEquals(rows.size(), rs.getLong(1));
            assertEquals(rows.stream().filter(r -> r.value() != null).count(), rs.getLong(2));
            assertEquals(rows.stream().filter(r -> r.unit() != null).count(), rs.getLong(3));
            assertEquals(Quality.values().length, rs.getLong(4));
        }
    }
}
