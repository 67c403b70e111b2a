-- edge-collector schema, version 3: roles.
-- iot_writer: what the collector needs to load (give it to the collector's login role);
-- analyst: read-only, for psql and pgAdmin users. Both are group roles without login:
--   CREATE ROLE collector LOGIN PASSWORD '...' IN ROLE iot_writer;
--   CREATE ROLE alice LOGIN PASSWORD '...' IN ROLE analyst;
DO $$
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'iot_writer') THEN
        CREATE ROLE iot_writer NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'analyst') THEN
        CREATE ROLE analyst NOLOGIN;
    END IF;
END
$$;

GRANT USAGE ON SCHEMA public TO iot_writer, analyst;

GRANT SELECT, INSERT, UPDATE ON sensors, measurements, measurements_1min, load_checkpoint TO iot_writer;
GRANT SELECT, INSERT ON rejected_messages TO iot_writer;
GRANT USAGE ON SEQUENCE rejected_messages_id_seq TO iot_writer;
GRANT EXECUTE ON FUNCTION ensure_measurement_partition(date) TO iot_writer;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO iot_writer;

GRANT SELECT ON ALL TABLES IN SCHEMA public TO analyst;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT ON TABLES TO analyst;
REVOKE EXECUTE ON FUNCTION ensure_measurement_partition(date) FROM PUBLIC;
