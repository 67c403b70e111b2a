#!/usr/bin/env bash
# Alert latency: the simulator at RATE msg/s (default 2000) over 100 sensors for SECONDS (default
# 60) through a private Mosquitto into the collector with 100 alert rules, plus a probe sensor
# whose every reading crosses its rule's limit (10/s). Prints p50/p99/max from publishing a
# crossing reading to a subscriber receiving its alert on MQTT, and the probe readings' own
# publish-to-queryable latency in PostgreSQL (compare with bench/latency.sh).
# Usage: bench/alerts.sh [RATE] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-2000}
seconds=${2:-60}
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
. bench/private-broker.sh
bench_workspace iot_alerts
start_private_broker
rules=$work/rules.yaml
{
  echo '- {name: probe_hot, sensors: Probe, metric: temperature, above: 40, clear_below: 38}'
  echo '- {name: all_silent, silent_for: 10m}'
  for i in $(seq 1 98); do echo "- {name: load_$i, sensors: \"Sensor $i\", above: 1000000}"; done
} > "$rules"
log=$work/collector.log
java "${collector_jvm[@]}" -jar collector/target/collector.jar run --broker-url "tcp://127.0.0.1:$port" \
  --topics 'bench/#' --topic-template 'bench/{sensor_id}/{metric}' --client-id bench-alerts \
  --raw-dir "$work/raw" --db-url "jdbc:postgresql://127.0.0.1:5432/$db" --sensors-file config/sensors.json \
  --alerts-file "$rules" --http-port "$(free_port)" ${COLLECTOR_ARGS:-} \
  > "$log" 2>&1 & collector=$!
until grep -qs event=alerts_ready "$log" && grep -qs event=database_ready "$log"; do collector_alive "$log"; sleep 0.05; done
echo "rules: $(grep -c '^- ' "$rules")"
java -cp collector/target/collector.jar bench/AlertLatency.java "tcp://127.0.0.1:$port" \
  "jdbc:postgresql://127.0.0.1:5432/$db" "$rate" "$seconds"
echo "collector peak RSS: $(( $(awk '/VmHWM/ {print $2}' /proc/$collector/status) / 1024 )) MB (${collector_jvm[*]})"
