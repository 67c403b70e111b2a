#!/usr/bin/env bash
# Live latency: the simulator at RATE msg/s (default 2000) for SECONDS (default 60) through a
# private Mosquitto (the project's settings) into the collector and PostgreSQL. Prints p50/p99/max
# publish-to-queryable latency, whether rows fell behind, and the collector's peak RSS.
# Usage: bench/latency.sh [RATE] [SECONDS]
#   COLLECTOR_ARGS: extra collector flags (e.g. "--flush-interval 250ms"); LATENCY_DETAIL=1: worst latency per second
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-2000}
seconds=${2:-60}
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
. bench/private-broker.sh
bench_workspace iot_latency
start_private_broker
log=$work/collector.log
start=$(date +%s.%N)
java "${collector_jvm[@]}" -jar collector/target/collector.jar run --broker-url "tcp://127.0.0.1:$port" \
  --topics 'bench/#' --topic-template 'bench/{sensor_id}/{metric}' --client-id bench-latency \
  --raw-dir "$work/raw" --db-url "jdbc:postgresql://127.0.0.1:5432/$db" --sensors-file config/sensors.json \
  --http-port "$(free_port)" ${COLLECTOR_ARGS:-} \
  > "$log" 2>&1 & collector=$!
until grep -qs event=subscribed "$log"; do collector_alive "$log"; sleep 0.02; done
echo "collector start-up to subscribed (no backlog): $(echo "$(date +%s.%N) - $start" | bc | sed 's/^\./0./' | cut -c1-4) s"
java -cp collector/target/collector.jar:simulator/target/simulator.jar bench/Latency.java "tcp://127.0.0.1:$port" \
  "jdbc:postgresql://127.0.0.1:5432/$db" "$rate" "$seconds"
echo "collector peak RSS: $(( $(awk '/VmHWM/ {print $2}' /proc/$collector/status) / 1024 )) MB (${collector_jvm[*]})"
