package io.edgecollector.collector.lake;

import io.edgecollector.collector.parse.Quality;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.parquet.hadoop.ParquetWriter;

/** Count, min, max, average and valid count per sensor, metric and hour of the reading's time. */
final class HourlyRollup {
    record Key(String sensorId, String metric, long hourMicros) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            int c = sensorId.compareTo(o.sensorId);
            if (c == 0) {
                c = metric.compareTo(o.metric);
            }
            return c != 0 ? c : Long.compare(hourMicros, o.hourMicros);
        }
    }

    static final class Cell {
        long count;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum;
        long valid;
    }

    private final Map<Key, Cell> cells = new TreeMap<>();
    /** The cell added to last: rows come in key order, so most rows fall into it. */
    private String lastSensor;
    private String lastMetric;
    private long lastHour = Long.MIN_VALUE;
    private Cell last;

    /** Adds a stored reading; missing values count nowhere, as in measurements_1min. */
    void add(KeyOrder.Row r) {
        if (r.value() == null || r.quality() == Quality.MISSING_VALUE) {
            return;
        }
        long hour = Math.floorDiv(r.tsMicros(), 3_600_000_000L) * 3_600_000_000L;
        Cell c = last;
        if (c == null || hour != lastHour || !r.sensorId().equals(lastSensor) || !r.metric().equals(lastMetric)) {
            c = cells.computeIfAbsent(new Key(r.sensorId(), r.metric(), hour), k -> new Cell());
            last = c;
            lastSensor = r.sensorId();
            lastMetric = r.metric();
            lastHour = hour;
        }
        double v = r.value();
        c.count++;
        c.min = Math.min(c.min, v);
        c.max = Math.max(c.max, v);
        c.sum += v;
        if (r.quality() == Quality.VALID) {
            c.valid++;
        }
    }

    /** The cells in key order (so a re-run writes the same file). */
    Map<Key, Cell> cells() {
        return cells;
    }

    /** Writes the cells in key order as rows of {@link LakeSchemas#ROLLUP}; returns how many. */
    long writeTo(ParquetWriter<GenericRecord> out) throws IOException {
        long rows = 0;
        GenericRecord row = new GenericData.Record(LakeSchemas.ROLLUP);
        for (Map.Entry<Key, Cell> e : cells.entrySet()) {
            Cell c = e.getValue();
            row.put("sensor_id", e.getKey().sensorId());
            row.put("metric", e.getKey().metric());
            row.put("hour", e.getKey().hourMicros());
            row.put("count", c.count);
            row.put("min", c.min);
            row.put("max", c.max);
            row.put("avg", c.sum / c.count);
            row.put("valid_count", c.valid);
            out.write(row);
            rows++;
        }
        return rows;
    }
}
