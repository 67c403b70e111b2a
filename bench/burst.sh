#!/usr/bin/env bash
# Live burst: N QoS 1 messages (default 50,000) published as fast as the simulator can (flood
# mode) to a private Mosquitto while the consumer is connected, ROUNDS times (default 2), each
# round once to mosquitto_sub (to /dev/null: the C client's rate; on other topics, so the
# collector idles meanwhile) and once to the collector,
# started as the README starts it (bin/edge-collector run), into PostgreSQL. A round's rate is N
# over the time from the publisher's start until mosquitto_sub has received all N, or until all N
# rows are committed in PostgreSQL. The collector is started once and stopped before (as after an
# install: the launcher writes its class-data archive then), then started for the rounds. Prints each rate, the ratio collector/mosquitto_sub, the
# collector's CPU per 100,000 messages during the burst (whole process) and its peak RSS.
# Usage: bench/burst.sh [N] [ROUNDS]
#   LAUNCHER / COLLECTOR_JAR / COLLECTOR_JAVA_OPTS / COLLECTOR_ARGS as in bench/steady.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-50000}
rounds=${2:-2}
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
. bench/private-broker.sh
bench_workspace iot_burst
start_private_broker
url="tcp://127.0.0.1:$port"
http=$(free_port)
publish() {
  java -jar simulator/target/simulator.jar --broker-url "$url" --client-id "bench-burst-pub" --topic-prefix "$1" \
    --count "$n" > "$work/pub.log" 2>&1
}
log=$work/collector.log
start_launched_collector bench-burst
until [ "$(metric "$http" edge_collector_database_ready)" = 1 ]; do collector_alive "$log"; sleep 0.1; done
sleep 2
hz=$(getconf CLK_TCK)
results=()
for round in $(seq "$rounds"); do
  # mosquitto_sub, subscribed before the burst, on topics the collector does not take (it idles)
  mosquitto_sub -h 127.0.0.1 -p "$port" -i bench-burst-sub -q 1 -t 'other/#' -C "$n" > /dev/null & sub=$!
  sleep 0.5
  t0=$(date +%s.%N)
  publish other &
  pub=$!
  wait "$sub"
  t1=$(date +%s.%N)
  wait "$pub"
  sleep 1
  # the collector alone
  loaded0=$(metric "$http" edge_collector_loaded_messages_total)
  c0=$(cpu_ticks "$collector")
  t2=$(date +%s.%N)
  publish bench
  until [ "$(metric "$http" edge_collector_loaded_messages_total)" -ge $(( loaded0 + n )) ]; do collector_alive "$log"; sleep 0.02; done
  t3=$(date +%s.%N)
  c1=$(cpu_ticks "$collector")
  results+=("$(awk -v n="$n" -v r="$round" -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v c="$((c1 - c0))" -v hz="$hz" 'BEGIN {
    s = n / (t1 - t0); k = n / (t3 - t2)
    printf "round %d: mosquitto_sub %.0f msg/s; collector into PostgreSQL %.0f msg/s; ratio %.2f; collector CPU %.1f s per 100k", r, s, k, k / s, c / hz / n * 1e5 }')")
  echo "${results[-1]}"
  sleep 1
done
rows=$(psql -tA -h 127.0.0.1 -U postgres -d "$db" -c "SELECT count(*) FROM measurements")
echo "messages loaded: $(metric "$http" edge_collector_loaded_messages_total) (published to the collector: $(( n * rounds ))); rows in PostgreSQL: $rows"
echo "collector peak RSS: $(( $(awk '/VmHWM/ {print $2}' /proc/$collector/status) / 1024 )) MB"
