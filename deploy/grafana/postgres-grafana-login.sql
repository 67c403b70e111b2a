-- Run by the postgres image on a fresh volume (docker-entrypoint-initdb.d): Grafana's login,
-- a member of the read-only role analyst. The collector's migration V3 grants analyst SELECT
-- on every table and view (and keeps an existing analyst role as it is).
-- On an existing database, run the same two statements once with psql.
CREATE ROLE analyst NOLOGIN;
CREATE ROLE grafana LOGIN PASSWORD 'grafana' IN ROLE analyst;
