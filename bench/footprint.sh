#!/usr/bin/env bash
# Footprint of `run` as a user starts it: N QoS 1 messages (default 50,000) queued for the
# collector's persistent session on a private Mosquitto, then drained into PostgreSQL by
#   1. java -jar collector/target/collector.jar run   (no JVM options: heap = 1/4 of RAM, G1)
#   2. bin/edge-collector run                         (the launcher: the systemd unit's options)
# Prints each one's peak RSS (VmHWM), drain time and CPU per message.
# Usage: bench/footprint.sh [MESSAGES]    (needs mosquitto, psql; local PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50000}
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
. bench/private-broker.sh
bench_workspace iot_footprint
start_private_broker
url="tcp://127.0.0.1:$port"
http=$(free_port)
cpu_seconds() { sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($12 + $13) / hz}'; }
args=(run --broker-url "$url" --topics 'bench/#' --topic-template 'bench/{sensor_id}/{metric}' --client-id bench-footprint
      --raw-dir "$work/raw" --db-url "jdbc:postgresql://127.0.0.1:5432/$db" --sensors-file config/sensors.json
      --http-port "$http")

# one burst through one way of starting it: register the session, queue N, drain, report
burst() {
  local label=$1; shift
  rm -rf "$work/raw"
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
  "$@" "${args[@]}" > "$work/collector.log" 2>&1 & collector=$!
  until grep -qs event=subscribed "$work/collector.log"; do collector_alive "$work/collector.log"; sleep 0.1; done
  kill -TERM "$collector"; wait "$collector" || true; collector=
  java -jar simulator/target/simulator.jar --broker-url "$url" --client-id bench-pub --topic-prefix bench --count "$n" > /dev/null
  local start; start=$(date +%s.%N)
  "$@" "${args[@]}" > "$work/collector.log" 2>&1 & collector=$!
  until [ "$(metric "$http" edge_collector_loaded_rows_total)" -ge "$n" ]; do collector_alive "$work/collector.log"; sleep 0.1; done
  local done_at; done_at=$(date +%s.%N)
  local rss; rss=$(awk '/VmHWM/ {print $2}' /proc/$collector/status)
  local cpu; cpu=$(cpu_seconds "$collector")
  kill -TERM "$collector"; wait "$collector" || true; collector=
  awk -v l="$label" -v n="$n" -v rss="$rss" -v s="$start" -v d="$done_at" -v cpu="$cpu" 'BEGIN {
    printf "%s: peak RSS %.0f MB; %d rows in PostgreSQL after %.2f s from process start; %.0f us CPU/msg\n", l, rss / 1024, n, d - s, cpu / n * 1e6 }'
}
burst "java -jar collector.jar run (no options)" java -jar collector/target/collector.jar
burst "bin/edge-collector run" bin/edge-collector
