-- edge-collector schema, version 2: views for analysts.

-- The newest reading of every sensor and metric.
CREATE VIEW latest_readings AS
SELECT DISTINCT ON (sensor_id, metric)
       sensor_id, metric, ts, value, unit, quality, received_at
FROM measurements
ORDER BY sensor_id, metric, ts DESC;

-- Hourly count, min, max, avg per sensor and metric (from the 1-minute resample; missing
-- values excluded), with how many of those readings were valid.
CREATE VIEW hourly_aggregates AS
SELECT sensor_id, metric,
       date_trunc('hour', minute) AS hour,
       sum(count)::bigint          AS count,
       min(min)                    AS min,
       max(max)                    AS max,
       sum(sum) / sum(count)       AS avg,
       sum(valid_count)::bigint    AS valid_count
FROM measurements_1min
GROUP BY sensor_id, metric, date_trunc('hour', minute);

-- Per sensor and UTC day of measurement: readings by quality flag.
CREATE VIEW data_quality AS
SELECT sensor_id,
       (ts AT TIME ZONE 'UTC')::date                            AS day,
       count(*)                                                 AS readings,
       count(*) FILTER (WHERE quality = 'valid')                AS valid,
       count(*) FILTER (WHERE quality = 'out_of_range')         AS out_of_range,
       count(*) FILTER (WHERE quality = 'unknown_sensor')       AS unknown_sensor,
       count(*) FILTER (WHERE quality = 'missing_value')        AS missing_value,
       count(*) FILTER (WHERE quality = 'future_timestamp')     AS future_timestamp,
       count(*) FILTER (WHERE quality = 'stale')                AS stale,
       round(100.0 * count(*) FILTER (WHERE quality = 'valid') / count(*), 2) AS valid_pct
FROM measurements
GROUP BY sensor_id, (ts AT TIME ZONE 'UTC')::date;

-- Per sensor (registered or seen): when it last reported, how long it has been silent, and
-- its rate over the last hour of its own readings.
CREATE VIEW sensor_health AS
WITH seen AS (
    SELECT sensor_id,
           max(ts)          AS last_seen,
           max(received_at) AS last_received,
           count(*)         AS readings
    FROM measurements
    GROUP BY sensor_id
), recent AS (
    SELECT m.sensor_id, count(*) AS readings_last_hour
    FROM measurements m
    JOIN seen s ON s.sensor_id = m.sensor_id
    WHERE m.ts > s.last_seen - interval '1 hour'
    GROUP BY m.sensor_id
)
SELECT coalesce(s.sensor_id, r.sensor_id)           AS sensor_id,
       r.sensor_id IS NOT NULL                      AS registered,
       r.description,
       s.last_seen,
       s.last_received,
       now() - s.last_seen                          AS silence,
       coalesce(s.readings, 0)                      AS readings,
       round(coalesce(rc.readings_last_hour, 0) / 60.0, 2) AS readings_per_minute
FROM seen s
FULL JOIN sensors r ON r.sensor_id = s.sensor_id
LEFT JOIN recent rc ON rc.sensor_id = coalesce(s.sensor_id, r.sensor_id);
