#!/usr/bin/env bash
# The dashboard's /api/ calls against a throwaway database holding SENSORS sensors (default 100)
# with DAYS days (default 30) of one reading a minute in measurements and measurements_1min,
# generated with SQL: p50/p99/max of each call (target: p99 <= 50 ms). With LATENCY=1, then
# publish-to-queryable latency at RATE msg/s (default 2000) for DURATION s (default 60) into the
# same collector, without and with a poller asking /api/status, /api/sensors and /api/series
# every 2 s as the page does.
# Run it as `flock -o /work/.test.lock bench/dashboard.sh` on a shared machine: -o keeps the lock
# from being inherited by the broker and collector it starts.
# Usage: bench/dashboard.sh [SENSORS] [DAYS] [N]        LATENCY=1 RATE=2000 DURATION=60 bench/dashboard.sh
set -euo pipefail
cd "$(dirname "$0")/.."
sensors=${1:-100}
days=${2:-30}
n=${3:-300}
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
. bench/private-broker.sh
bench_workspace iot_dashboard
start_private_broker
log=$work/collector.log
http=$(free_port)
java "${collector_jvm[@]}" -jar collector/target/collector.jar run --broker-url "tcp://127.0.0.1:$port" \
  --topics 'bench/#' --topic-template 'bench/{sensor_id}/{metric}' --client-id bench-dashboard \
  --raw-dir "$work/raw" --db-url "jdbc:postgresql://127.0.0.1:5432/$db" --sensors-file config/sensors.json \
  --http-port "$http" --http-bind 127.0.0.1 > "$log" 2>&1 & collector=$!
until grep -qs event=database_ready "$log"; do collector_alive "$log"; sleep 0.1; done

echo "generating $sensors sensors x $days days of 1-minute rows..."
t0=$(date +%s)
psql -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -U postgres -d "$db" <<SQL
DO \$\$ BEGIN
  PERFORM ensure_measurement_partition(d::date)
  FROM generate_series(date_trunc('month', now() - interval '$days days'), now(), interval '1 month') d;
END \$\$;
INSERT INTO measurements (sensor_id, metric, ts, value, unit, quality, topic, received_at)
SELECT 'sensor-' || lpad(s::text, 3, '0'), 'temperature', m,
       20 + 5 * sin(extract(epoch FROM m) / 3600 + s), 'C', 'valid', 'bench/gen', m
FROM generate_series(1, $sensors) s,
     generate_series(date_trunc('minute', now()) - interval '$days days', date_trunc('minute', now()), interval '1 minute') m;
INSERT INTO measurements_1min (sensor_id, metric, minute, count, min, max, sum, valid_count)
SELECT sensor_id, metric, ts, 1, value - 0.5, value + 0.5, value, 1 FROM measurements WHERE topic = 'bench/gen';
VACUUM ANALYZE;
SQL
echo "$(psql -At -h 127.0.0.1 -U postgres -d "$db" -c "SELECT count(*) FROM measurements_1min") rows in measurements_1min" \
  "and as many in measurements, in $(( $(date +%s) - t0 )) s"

java -cp collector/target/collector.jar bench/DashboardApi.java "http://127.0.0.1:$http" "$sensors" "$n"

if [ "${LATENCY:-0}" = 1 ]; then
  # Latency.java polls rows by received_at every 20 ms: without an index that poll would scan the
  # generated rows and measure itself. Both runs below have it, so they compare like with like.
  psql -q -h 127.0.0.1 -U postgres -d "$db" -c "CREATE INDEX ON measurements (received_at)"
  rate=${RATE:-2000}
  seconds=${DURATION:-60}
  latency() {
    java -cp collector/target/collector.jar bench/Latency.java "tcp://127.0.0.1:$port" \
      "jdbc:postgresql://127.0.0.1:5432/$db" "$rate" "$seconds" | grep -E "^(published|publish-to-queryable)|after the first" || true
  }
  poller=
  trap '[ -n "$poller" ] && kill $poller 2>/dev/null; bench_cleanup' EXIT
  echo; echo "ingestion at $rate msg/s for $seconds s, the page not open:"
  latency
  echo; echo "the same with the page refreshing every 2 s:"
  ( while true; do
      for path in /api/status /api/sensors "/api/series?sensor_id=sensor-001&metric=temperature"; do
        curl -s -o /dev/null "http://127.0.0.1:$http$path" &
      done
      wait; sleep 2
    done ) & poller=$!
  latency
  kill "$poller" 2>/dev/null || true
  poller=
  echo; echo "and again without the page (the first run also warmed the JVM up):"
  latency
fi
echo "collector peak RSS: $(( $(awk '/VmHWM/ {print $2}' /proc/$collector/status) / 1024 )) MB (${collector_jvm[*]})"
