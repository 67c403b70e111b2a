-- edge-collector: example queries for analysts and data scientists.
-- Run them in psql (\i example_queries.sql) or pgAdmin. Each starts with a "-- name:" line;
-- the integration tests run every one of them against loaded data.
-- Times are timestamptz (shown in your session's TimeZone); quality says whether to trust a row.

-- name: latest_per_sensor
-- The newest reading of every sensor and metric.
SELECT sensor_id, metric, ts, value, unit, quality
FROM latest_readings
ORDER BY sensor_id, metric;

-- name: hourly_series
-- Hourly min / avg / max per sensor and metric over the last 7 days of data.
SELECT sensor_id, metric, hour, count, round(avg::numeric, 2) AS avg, min, max
FROM hourly_aggregates
WHERE hour > (SELECT max(hour) FROM hourly_aggregates) - interval '7 days'
ORDER BY sensor_id, metric, hour;

-- name: one_minute_series
-- The 1-minute resample of one metric for the most recent hour that has data.
SELECT sensor_id, minute, count, round(avg::numeric, 3) AS avg, min, max
FROM measurements_1min
WHERE metric = (SELECT metric FROM measurements_1min ORDER BY count DESC, metric LIMIT 1)
  AND minute > (SELECT max(minute) FROM measurements_1min) - interval '1 hour'
ORDER BY sensor_id, minute;

-- name: readings_per_day
-- Volume per UTC day and metric: what arrived, and how much of it is valid.
SELECT (ts AT TIME ZONE 'UTC')::date AS day, metric, count(*) AS readings,
       count(*) FILTER (WHERE quality = 'valid') AS valid
FROM measurements
GROUP BY 1, 2
ORDER BY 1, 2;

-- name: quality_by_sensor_and_day
-- Data quality per sensor and day, worst first.
SELECT sensor_id, day, readings, valid, out_of_range, unknown_sensor, missing_value, stale, future_timestamp, valid_pct
FROM data_quality
ORDER BY valid_pct, sensor_id, day;

-- name: quality_overall
-- Share of each quality flag over all data.
SELECT quality, count(*) AS readings, round(100.0 * count(*) / sum(count(*)) OVER (), 2) AS pct
FROM measurements
GROUP BY quality
ORDER BY readings DESC;

-- name: sensor_health
-- When each sensor last reported, how long it has been silent, and its recent rate.
SELECT sensor_id, registered, last_seen, silence, readings, readings_per_minute
FROM sensor_health
ORDER BY silence DESC NULLS FIRST;

-- name: silent_sensors
-- Registered sensors that have been silent for more than 10 minutes (or never reported).
SELECT sensor_id, description, last_seen, silence
FROM sensor_health
WHERE registered AND (last_seen IS NULL OR silence > interval '10 minutes')
ORDER BY silence DESC NULLS FIRST;

-- name: gaps
-- Gaps: consecutive readings of a sensor and metric more than 3x its median interval apart.
WITH steps AS (
    SELECT sensor_id, metric, ts,
           ts - lag(ts) OVER (PARTITION BY sensor_id, metric ORDER BY ts) AS step
    FROM measurements
), typical AS (
    SELECT sensor_id, metric, percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM step)) AS median_s
    FROM steps WHERE step IS NOT NULL
    GROUP BY sensor_id, metric
)
SELECT s.sensor_id, s.metric, s.ts - s.step AS gap_start, s.ts AS gap_end, s.step AS gap
FROM steps s JOIN typical t USING (sensor_id, metric)
WHERE extract(epoch FROM s.step) > 3 * t.median_s
ORDER BY s.step DESC
LIMIT 50;

-- name: out_of_range_episodes
-- Episodes of consecutive out-of-range readings per sensor (gaps-and-islands).
WITH flagged AS (
    SELECT sensor_id, metric, ts, value, quality,
           row_number() OVER (PARTITION BY sensor_id, metric ORDER BY ts)
         - row_number() OVER (PARTITION BY sensor_id, metric, quality = 'out_of_range' ORDER BY ts) AS island
    FROM measurements
)
SELECT sensor_id, metric, min(ts) AS started, max(ts) AS ended, count(*) AS readings,
       min(value) AS lowest, max(value) AS highest
FROM flagged
WHERE quality = 'out_of_range'
GROUP BY sensor_id, metric, island
ORDER BY readings DESC, started
LIMIT 50;

-- name: anomalies_zscore
-- Readings more than 3 standard deviations from their sensor's and metric's mean (valid rows only).
WITH stats AS (
    SELECT sensor_id, metric, avg(value) AS mean, stddev_samp(value) AS sd
    FROM measurements WHERE quality = 'valid'
    GROUP BY sensor_id, metric
)
SELECT m.sensor_id, m.metric, m.ts, m.value, round(((m.value - s.mean) / s.sd)::numeric, 2) AS z
FROM measurements m JOIN stats s USING (sensor_id, metric)
WHERE m.quality = 'valid' AND s.sd > 0 AND abs(m.value - s.mean) > 3 * s.sd
ORDER BY abs(m.value - s.mean) / s.sd DESC
LIMIT 50;

-- name: rolling_average
-- A 10-reading moving average next to each reading, for the busiest sensor and metric.
WITH busiest AS (
    SELECT sensor_id, metric FROM measurements GROUP BY sensor_id, metric ORDER BY count(*) DESC, sensor_id, metric LIMIT 1
)
SELECT m.sensor_id, m.metric, m.ts, m.value,
       round(avg(m.value) OVER (ORDER BY m.ts ROWS BETWEEN 9 PRECEDING AND CURRENT ROW)::numeric, 3) AS moving_avg_10
FROM measurements m JOIN busiest b USING (sensor_id, metric)
WHERE m.quality = 'valid'
ORDER BY m.ts DESC
LIMIT 100;

-- name: metric_correlation
-- Correlation between every pair of metrics of the same device, on readings taken at the same instant.
SELECT a.sensor_id, a.metric AS metric_a, b.metric AS metric_b, count(*) AS pairs,
       round(corr(a.value, b.value)::numeric, 3) AS correlation
FROM measurements a
JOIN measurements b ON b.sensor_id = a.sensor_id AND b.ts = a.ts AND b.metric > a.metric
WHERE a.quality = 'valid' AND b.quality = 'valid'
GROUP BY a.sensor_id, a.metric, b.metric
HAVING count(*) >= 10
ORDER BY abs(corr(a.value, b.value)) DESC NULLS LAST;

-- name: cross_sensor_correlation
-- Correlation between different sensors' hourly averages over the hours both have data.
SELECT a.sensor_id AS sensor_a, a.metric AS metric_a, b.sensor_id AS sensor_b, b.metric AS metric_b,
       count(*) AS hours, round(corr(a.avg, b.avg)::numeric, 3) AS correlation
FROM hourly_aggregates a
JOIN hourly_aggregates b ON b.hour = a.hour AND (b.sensor_id, b.metric) > (a.sensor_id, a.metric)
WHERE a.sensor_id <> b.sensor_id
GROUP BY a.sensor_id, a.metric, b.sensor_id, b.metric
HAVING count(*) >= 1
ORDER BY hours DESC, sensor_a, metric_a, sensor_b, metric_b
LIMIT 50;

-- name: daily_profile
-- The average daily profile: mean value per hour of day (UTC), per metric.
SELECT metric, extract(hour FROM hour AT TIME ZONE 'UTC') AS hour_of_day,
       round((sum(avg * count) / sum(count))::numeric, 3) AS mean
FROM hourly_aggregates
GROUP BY metric, extract(hour FROM hour AT TIME ZONE 'UTC')
ORDER BY metric, hour_of_day;

-- name: percentiles
-- Distribution per metric: percentiles of valid readings.
SELECT metric, count(*) AS readings,
       percentile_cont(0.05) WITHIN GROUP (ORDER BY value) AS p05,
       percentile_cont(0.50) WITHIN GROUP (ORDER BY value) AS median,
       percentile_cont(0.95) WITHIN GROUP (ORDER BY value) AS p95
FROM measurements
WHERE quality = 'valid'
GROUP BY metric
ORDER BY metric;

-- name: late_arrivals
-- Transport delay: how long after measuring the readings arrived, per sensor.
SELECT sensor_id, count(*) AS readings,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM received_at - ts)) AS median_delay_s,
       max(received_at - ts) AS worst_delay
FROM measurements
GROUP BY sensor_id
ORDER BY worst_delay DESC;

-- name: rejections_by_reason
-- What was rejected and why, most frequent first (numbers in reasons folded together).
SELECT regexp_replace(reason, '[0-9]+', 'N', 'g') AS reason, count(*) AS messages,
       min(received_at) AS first_seen, max(received_at) AS last_seen
FROM rejected_messages
GROUP BY 1
ORDER BY messages DESC;

-- name: rejections_recent
-- The latest rejected messages with their payloads, for debugging a misbehaving sensor.
SELECT received_at, topic, reason, left(payload, 200) AS payload
FROM rejected_messages
ORDER BY received_at DESC
LIMIT 20;

-- name: unknown_sensors
-- Sensors sending data without being registered: candidates for the registry.
SELECT sensor_id, array_agg(DISTINCT metric) AS metrics, count(*) AS readings, min(ts) AS first_seen, max(ts) AS last_seen
FROM measurements
WHERE quality = 'unknown_sensor'
GROUP BY sensor_id
ORDER BY readings DESC;

-- name: threshold_alerts
-- Valid readings within 5% of their registered range limits (early warnings).
SELECT m.sensor_id, m.metric, m.ts, m.value, s.min_value, s.max_value
FROM measurements m
JOIN sensors s ON s.sensor_id = m.sensor_id AND s.type = m.metric
WHERE m.quality = 'valid'
  AND (m.value > s.max_value - 0.05 * (s.max_value - s.min_value)
    OR m.value < s.min_value + 0.05 * (s.max_value - s.min_value))
ORDER BY m.ts DESC
LIMIT 50;

-- name: load_progress
-- How far each raw file has been loaded into the database.
SELECT raw_file, byte_offset, lines, updated_at
FROM load_checkpoint
ORDER BY raw_file;
