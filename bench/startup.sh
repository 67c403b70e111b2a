#!/usr/bin/env bash
# Start-up to "subscribed" (no backlog), RUNS times (default 5) each: as the systemd unit starts
# the collector, and with an application class-data archive (AppCDS) made by one earlier run
# (see README, "Faster start-up"). Prints the median and the slowest of each.
# Usage: bench/startup.sh [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
. bench/private-broker.sh
bench_workspace iot_startup
start_private_broker

# one start, stopped once subscribed; prints the seconds it took; extra JVM options in "$@"
start_once() {
  local log=$work/start.log
  rm -f "$log"
  local t0
  t0=$(date +%s.%N)
  java "${collector_jvm[@]}" "$@" -jar collector/target/collector.jar run --broker-url "tcp://127.0.0.1:$port" \
    --topics 'bench/#' --topic-template 'bench/{sensor_id}/{metric}' --client-id bench-startup \
    --raw-dir "$work/raw" --db-url "jdbc:postgresql://127.0.0.1:5432/$db" --sensors-file config/sensors.json \
    --http-port "$(free_port)" > "$log" 2>&1 & collector=$!
  until grep -qs event=subscribed "$log"; do collector_alive "$log"; sleep 0.01; done
  local t1
  t1=$(date +%s.%N)
  until grep -qs event=database_ready "$log"; do collector_alive "$log"; sleep 0.05; done
  kill -TERM "$collector"; wait "$collector" || true; collector=
  awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f\n", b - a}'
}
summary() { sort -n | awk '{v[NR] = $1} END {printf "median %.2f s, slowest %.2f s (%d runs)\n", v[int((NR + 1) / 2)], v[NR], NR}'; }

start_once > /dev/null   # creates the database and schema, so every measured start finds them
echo "start-up to subscribed, as the unit runs it: $(for _ in $(seq "$runs"); do start_once; done | summary)"
start_once -XX:ArchiveClassesAtExit="$work/collector.jsa" > /dev/null
echo "start-up to subscribed, with an AppCDS archive ($(du -m "$work/collector.jsa" | cut -f1) MB): $(for _ in $(seq "$runs"); do start_once -XX:SharedArchiveFile="$work/collector.jsa"; done | summary)"
