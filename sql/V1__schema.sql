-- edge-collector schema, version 1: tables, partitions, load checkpoint.
-- Applied by `collector db migrate` (Flyway); never edit an applied version, add a new one.

CREATE TABLE sensors (
    sensor_id   text PRIMARY KEY,
    type        text,
    unit        text,
    min_value   double precision,
    max_value   double precision,
    lat         double precision,
    lng         double precision,
    description text,
    updated_at  timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE sensors IS 'The sensor registry (from sensors_file), refreshed when the collector starts.';

-- One row per reading; the key (sensor_id, metric, ts) makes a reading sent twice one row.
CREATE TABLE measurements (
    sensor_id   text             NOT NULL,
    metric      text             NOT NULL,
    ts          timestamptz      NOT NULL,
    value       double precision,
    unit        text,
    quality     text             NOT NULL CHECK (quality IN
                ('valid', 'out_of_range', 'unknown_sensor', 'missing_value', 'future_timestamp', 'stale')),
    topic       text             NOT NULL,
    received_at timestamptz      NOT NULL,
    PRIMARY KEY (sensor_id, metric, ts)
) PARTITION BY RANGE (ts);
COMMENT ON TABLE measurements IS 'Readings, partitioned by month of ts; quality says whether to trust a row.';
COMMENT ON COLUMN measurements.ts IS 'When the sensor measured (from the payload).';
COMMENT ON COLUMN measurements.received_at IS 'When the collector received the message.';

-- Readings whose month has no partition (far past or future) land here; creating the month's
-- partition later moves them over.
CREATE TABLE measurements_default PARTITION OF measurements DEFAULT;
CREATE INDEX measurements_ts_idx ON measurements (ts);

CREATE TABLE rejected_messages (
    id          bigserial   PRIMARY KEY,
    received_at timestamptz NOT NULL,
    topic       text        NOT NULL,
    payload     text        NOT NULL,
    reason      text        NOT NULL,
    raw_file    text        NOT NULL,
    raw_offset  bigint      NOT NULL,
    redelivered boolean     NOT NULL DEFAULT false,
    UNIQUE (raw_file, raw_offset)
);
COMMENT ON TABLE rejected_messages IS 'Messages (or parts of messages) that could not become readings, with the reason.';
COMMENT ON COLUMN rejected_messages.raw_offset IS 'Byte offset of the message''s line in raw_file.';
COMMENT ON COLUMN rejected_messages.redelivered IS 'The broker delivered the message again after a reconnect (MQTT DUP).';
CREATE INDEX rejected_messages_received_at_idx ON rejected_messages (received_at);
-- finds an earlier copy of a redelivered message
CREATE INDEX rejected_messages_message_idx ON rejected_messages (md5(topic || payload));

-- 1-minute resample, maintained as rows land: only newly inserted readings are added, so a
-- reading loaded twice is counted once. Missing values are not counted.
CREATE TABLE measurements_1min (
    sensor_id   text             NOT NULL,
    metric      text             NOT NULL,
    minute      timestamptz      NOT NULL,
    count       bigint           NOT NULL,
    min         double precision NOT NULL,
    max         double precision NOT NULL,
    sum         double precision NOT NULL,
    valid_count bigint           NOT NULL,
    avg         double precision GENERATED ALWAYS AS (sum / count) STORED,
    PRIMARY KEY (sensor_id, metric, minute)
);

-- How far each raw file has been loaded; advances in the same transaction as the rows.
CREATE TABLE load_checkpoint (
    raw_file    text        PRIMARY KEY,
    byte_offset bigint      NOT NULL,
    lines       bigint      NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Creates the monthly partition holding p_month (idempotent, safe with several collectors),
-- moving any rows of that month out of the default partition first.
CREATE FUNCTION ensure_measurement_partition(p_month date) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public AS $$
DECLARE
    first_day timestamp   := date_trunc('month', p_month::timestamp);
    from_ts   timestamptz := first_day AT TIME ZONE 'UTC';
    to_ts     timestamptz := (first_day + interval '1 month') AT TIME ZONE 'UTC';
    part      text        := 'measurements_' || to_char(first_day, 'YYYYMM');
BEGIN
    IF to_regclass(part) IS NOT NULL THEN
        RETURN;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtext('edge-collector measurements partitions'));
    IF to_regclass(part) IS NOT NULL THEN
        RETURN;
    END IF;
    EXECUTE format('CREATE TABLE %I (LIKE measurements INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part);
    EXECUTE format('WITH moved AS (DELETE FROM measurements_default WHERE ts >= %L AND ts < %L RETURNING *) '
                   'INSERT INTO %I SELECT * FROM moved', from_ts, to_ts, part);
    EXECUTE format('ALTER TABLE measurements ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, from_ts, to_ts);
END;
$$;
