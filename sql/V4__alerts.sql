-- edge-collector schema, version 4: alerts (issue 12).
-- One row per alert transition, loaded from the collector's alert log exactly once: event_id is
-- derived from (rule, sensor, metric, state, reading time), and the alert log's checkpoint
-- (in load_checkpoint, under the alert file's name) commits with the rows.
CREATE TABLE alerts (
    event_id    uuid        PRIMARY KEY,
    rule        text        NOT NULL,
    sensor_id   text        NOT NULL,
    metric      text        NOT NULL,
    state       text        NOT NULL CHECK (state IN ('firing', 'resolved')),
    value       double precision,
    limit_value double precision,
    reading_ts  timestamptz,
    at          timestamptz NOT NULL,
    loaded_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX alerts_key_at ON alerts (rule, sensor_id, metric, at DESC);
COMMENT ON TABLE alerts IS 'alert transitions (firing / resolved), one row per event; see docs/alerts.md';
COMMENT ON COLUMN alerts.limit_value IS 'the limit crossed: above/below, rate_above per minute, or silent_for in seconds';

-- What fires now: the newest event of each (rule, sensor, metric), when it is a firing.
CREATE VIEW active_alerts AS
SELECT rule, sensor_id, metric, at AS since, value, limit_value, reading_ts, event_id
FROM (
    SELECT DISTINCT ON (rule, sensor_id, metric) *
    FROM alerts
    ORDER BY rule, sensor_id, metric, at DESC, reading_ts DESC NULLS LAST
) newest
WHERE state = 'firing';
COMMENT ON VIEW active_alerts IS 'alerts firing now and since when (newest event per rule, sensor and metric)';

GRANT SELECT, INSERT ON alerts TO iot_writer;
GRANT SELECT ON active_alerts TO iot_writer;
GRANT SELECT ON alerts, active_alerts TO analyst;
