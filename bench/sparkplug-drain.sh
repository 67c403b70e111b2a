#!/usr/bin/env bash
# Sparkplug B backlog drain (issue 14): a simulated edge node publishes its births and then
# N DDATA messages of 10 alias-only metrics each (default N = 100,000) to a private Mosquitto
# while the collector's persistent session is away; then the collector (sparkplug.enabled)
# starts and drains them into PostgreSQL. Reports the time from start until every reading is
# committed, readings per second, CPU seconds and peak RSS.
# Usage: bench/sparkplug-drain.sh [MESSAGES]    (needs mosquitto, psql; local PostgreSQL)
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-100000}
[ -f collector/target/collector.jar ] && [ -f simulator/target/simulator.jar ] || mvn -B -q clean package -DskipTests
. bench/private-broker.sh
bench_workspace iot_spb
start_private_broker
url="tcp://127.0.0.1:$port"
cpu_seconds() { sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($12 + $13) / hz}'; }
http=$(free_port)
args=(run --broker-url "$url" --topics 'bench/#' --client-id bench-spb --sparkplug-enabled true --sparkplug-group BenchPlant
      --raw-dir "$work/raw" --db-url "jdbc:postgresql://127.0.0.1:5432/$db" --http-port "$http" ${COLLECTOR_ARGS:-})

# register the persistent session, then leave
java -jar collector/target/collector.jar "${args[@]}" > "$work/register.log" 2>&1 & collector=$!
until grep -qs event=subscribed "$work/register.log"; do collector_alive "$work/register.log"; sleep 0.1; done
kill -TERM "$collector"; wait "$collector" || true; collector=

p0=$(date +%s.%N)
java -jar simulator/target/simulator.jar --broker-url "$url" --sparkplug --sparkplug-group BenchPlant \
     --sparkplug-metrics 10 --count "$n" | tail -1
p1=$(date +%s.%N)

# 10 readings per DDATA; births: the node's status, per device its status and 10 metrics; the NDEATH: 3 offline
expected=$(( n * 10 + 1 + 2 * 11 + 3 ))
start=$(date +%s.%N)
java "${collector_jvm[@]}" -jar collector/target/collector.jar "${args[@]}" > "$work/collector.log" 2>&1 & collector=$!
rss=0
until [ "$(metric "$http" edge_collector_loaded_rows_total)" -ge "$expected" ]; do
  collector_alive "$work/collector.log"
  r=$(awk '/VmHWM/ {print $2}' /proc/$collector/status); [ "$r" -gt "$rss" ] && rss=$r
  sleep 0.05
done
done_at=$(date +%s.%N)
cpu=$(cpu_seconds "$collector")
rows=$(psql -tA -h 127.0.0.1 -U postgres -c 'SELECT count(*) FROM measurements' "$db")
rejected=$(psql -tA -h 127.0.0.1 -U postgres -c 'SELECT count(*) FROM rejected_messages' "$db")
secs=$(echo "$done_at - $start" | bc -l)
printf 'published %d DDATA x 10 metrics in %.1f s\n' "$n" "$(echo "$p1 - $p0" | bc -l)"
printf 'drained into PostgreSQL: %d rows (expected %d), %d rejections, in %.1f s from start: %.0f readings/s, %.0f msg/s; CPU %.1f s; peak RSS %d MB\n' \
  "$rows" "$expected" "$rejected" "$secs" "$(echo "$rows / $secs" | bc -l)" "$(echo "$n / $secs" | bc -l)" "$cpu" $((rss / 1024))
