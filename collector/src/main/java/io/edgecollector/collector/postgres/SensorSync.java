package io.edgecollector.collector.postgres;

import io.edgecollector.collector.validate.Sensor;
import io.edgecollector.collector.validate.SensorRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import javax.sql.DataSource;

/** Keeps the sensors table in step with the registry file. */
public final class SensorSync {
    private static final String UPSERT = """
            INSERT INTO sensors (sensor_id, type, unit, min_value, max_value, lat, lng, description, updated_at)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, now())
            ON CONFLICT (sensor_id) DO UPDATE SET type = excluded.type, unit = excluded.unit,
                min_value = excluded.min_value, max_value = excluded.max_value, lat = excluded.lat,
                lng = excluded.lng, description = excluded.description, updated_at = now()""";

    private SensorSync() {
    }

    public static void sync(DataSource pool, SensorRegistry registry) throws SQLException {
        if (registry.size() == 0) {
            return;
        }
        try (Connection c = pool.getConnection(); PreparedStatement p = c.prepareStatement(UPSERT)) {
            for (Sensor s : registry.all()) {
                p.setString(1, s.id());
                p.setString(2, s.type());
                p.setString(3, s.unit());
                setDouble(p, 4, s.range() == null ? null : s.range().min());
                setDouble(p, 5, s.range() == null ? null : s.range().max());
                setDouble(p, 6, s.location() == null ? null : s.location().lat());
                setDouble(p, 7, s.location() == null ? null : s.location().lng());
                p.setString(8, s.description());
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    private static void setDouble(PreparedStatement p, int i, Double v) throws SQLException {
        if (v == null) {
            p.setNull(i, Types.DOUBLE);
        } else {
            p.setDouble(i, v);
        }
    }
}
