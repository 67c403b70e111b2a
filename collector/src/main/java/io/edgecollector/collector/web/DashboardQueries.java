package io.edgecollector.collector.web;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import javax.sql.DataSource;

/**
 * The dashboard's reads. Each one is bounded by a row limit and reaches its rows through an
 * index: the (sensor_id, metric) pairs by a skip scan of the measurements key (a loose index
 * scan, about one probe per pair, where DISTINCT or latest_readings would read every row), the
 * newest reading per pair by the same key backwards, series by the 1-minute key and a time range.
 */
final class DashboardQueries {
    static final int MAX_TILES = 500;
    static final int MAX_POINTS = 5_000;
    static final int MAX_REASONS = 20;

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private static final String SENSORS = """
            WITH RECURSIVE pairs AS (
                (SELECT sensor_id, metric FROM measurements ORDER BY sensor_id, metric LIMIT 1)
                UNION ALL
                SELECT n.sensor_id, n.metric
                FROM pairs p
                CROSS JOIN LATERAL (SELECT m.sensor_id, m.metric FROM measurements m
                                    WHERE (m.sensor_id, m.metric) > (p.sensor_id, p.metric)
                                    ORDER BY m.sensor_id, m.metric LIMIT 1) n
            )
            SELECT p.sensor_id, p.metric, l.ts, l.value, coalesce(l.unit, s.unit) AS unit, l.quality,
                   extract(epoch FROM now() - l.ts)::float8 AS age_seconds, s.description,
                   k.t AS spark_t, k.v AS spark_v
            FROM (SELECT sensor_id, metric FROM pairs LIMIT ?) p
            CROSS JOIN LATERAL (SELECT ts, value, unit, quality FROM measurements m
                                WHERE m.sensor_id = p.sensor_id AND m.metric = p.metric
                                ORDER BY m.ts DESC LIMIT 1) l
            LEFT JOIN sensors s ON s.sensor_id = p.sensor_id
            LEFT JOIN LATERAL (SELECT array_agg(extract(epoch FROM x.minute)::int8 ORDER BY x.minute) AS t,
                                      array_agg(x.avg::float4 ORDER BY x.minute) AS v
                               FROM measurements_1min x
                               WHERE x.sensor_id = p.sensor_id AND x.metric = p.metric
                                 AND x.minute >= now() - interval '1 hour') k ON true
            ORDER BY p.sensor_id, p.metric
            """;

    private static final String SERIES_MINUTES = """
            SELECT extract(epoch FROM minute)::int8, avg, min, max, count, valid_count
            FROM measurements_1min
            WHERE sensor_id = ? AND metric = ? AND minute >= ? AND minute < ?
            ORDER BY minute LIMIT ?
            """;

    /** hourly_aggregates' arithmetic, with the range on minute itself so the key's index bounds the scan. */
    private static final String SERIES_HOURS = """
            SELECT extract(epoch FROM date_trunc('hour', minute))::int8 AS hour, sum(sum) / sum(count),
                   min(min), max(max), sum(count)::int8, sum(valid_count)::int8
            FROM measurements_1min
            WHERE sensor_id = ? AND metric = ? AND minute >= ? AND minute < ?
            GROUP BY 1 ORDER BY 1 LIMIT ?
            """;

    private static final String REJECTIONS = """
            SELECT regexp_replace(split_part(reason, ':', 1), '''[^'']*''', '''…''', 'g') AS kind, count(*)
            FROM rejected_messages
            WHERE received_at >= now() - interval '1 hour'
            GROUP BY kind ORDER BY count(*) DESC, kind LIMIT ?
            """;

    private final DataSource pool;

    DashboardQueries(DataSource pool) {
        this.pool = pool;
    }

    /**
     * One object per sensor and metric: newest reading, its age, a last-hour sparkline (its values
     * as float4: a 40-pixel line needs no more, and 100 tiles' answer shrank from 196 to 144 kB).
     */
    ArrayNode sensors(Duration silentAfter) throws SQLException {
        ArrayNode out = JSON.arrayNode();
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(SENSORS)) {
            s.setInt(1, MAX_TILES);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    double age = rs.getDouble("age_seconds");
                    ObjectNode tile = out.addObject()
                            .put("sensor_id", rs.getString("sensor_id"))
                            .put("metric", rs.getString("metric"))
                            .put("ts", rs.getTimestamp("ts").toInstant().toString());
                    number(tile, "value", rs, "value");
                    tile.put("unit", rs.getString("unit"))
                            .put("quality", rs.getString("quality"))
                            .put("age_seconds", Math.round(age))
                            .put("silent", age > silentAfter.toSeconds())
                            .put("description", rs.getString("description"));
                    ObjectNode spark = tile.putObject("sparkline");
                    spark.set("t", array(rs.getArray("spark_t")));
                    spark.set("v", array(rs.getArray("spark_v")));
                }
            }
        }
        return out;
    }

    /** Column arrays (t, avg, min, max, count, valid_count): what a uPlot chart takes as it is. */
    ObjectNode series(SeriesRequest r) throws SQLException {
        ObjectNode out = JSON.objectNode()
                .put("sensor_id", r.sensorId()).put("metric", r.metric())
                .put("from", r.from().toString()).put("to", r.to().toString())
                .put("resolution", r.hourly() ? "1h" : "1min").put("capped", r.capped());
        ArrayNode t = out.putArray("t");
        ArrayNode avg = out.putArray("avg");
        ArrayNode min = out.putArray("min");
        ArrayNode max = out.putArray("max");
        ArrayNode count = out.putArray("count");
        ArrayNode valid = out.putArray("valid_count");
        try (Connection c = pool.getConnection();
             PreparedStatement s = c.prepareStatement(r.hourly() ? SERIES_HOURS : SERIES_MINUTES)) {
            s.setString(1, r.sensorId());
            s.setString(2, r.metric());
            s.setTimestamp(3, Timestamp.from(r.from()));
            s.setTimestamp(4, Timestamp.from(r.to()));
            s.setInt(5, MAX_POINTS);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    t.add(rs.getLong(1));
                    avg.add(rs.getDouble(2));
                    min.add(rs.getDouble(3));
                    max.add(rs.getDouble(4));
                    count.add(rs.getLong(5));
                    valid.add(rs.getLong(6));
                }
            }
        }
        return out;
    }

    /**
     * Rejections of the last hour by kind of reason: its text up to the first ':' with quoted
     * parts elided ("not JSON", "value must be a number, got text '…'"), most frequent first.
     */
    ArrayNode rejectionsLastHour() throws SQLException {
        ArrayNode out = JSON.arrayNode();
        try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(REJECTIONS)) {
            s.setInt(1, MAX_REASONS);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    out.addObject().put("reason", rs.getString(1)).put("count", rs.getLong(2));
                }
            }
        }
        return out;
    }

    private static void number(ObjectNode node, String field, ResultSet rs, String column) throws SQLException {
        double v = rs.getDouble(column);
        if (rs.wasNull() || Double.isNaN(v) || Double.isInfinite(v)) {
            node.putNull(field);
        } else {
            node.put(field, v);
        }
    }

    private static ArrayNode array(Array sql) throws SQLException {
        ArrayNode out = JSON.arrayNode();
        if (sql == null) {
            return out;
        }
        for (Object o : (Object[]) sql.getArray()) {
            if (o instanceof Long l) {
                out.add(l);
            } else if (o instanceof Float f && !f.isNaN() && !f.isInfinite()) {
                out.add(f);
            } else {
                out.addNull();
            }
        }
        return out;
    }
}
