#!/usr/bin/env bash
# Which Java MQTT 5 client drains a backlog fastest here, before any work: N QoS 1 messages
# (default 200,000) queued for persistent sessions, drained one after another from a private
# Mosquitto (project settings) by mosquitto_sub, Paho (the collector's client, with its own and
# with the collector's buffered socket) and the HiveMQ MQTT client (Netty), each acknowledging
# at once. Not part of bench/run.sh: it resolves the HiveMQ client from Maven Central.
# Usage: bench/clients.sh [MESSAGES]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
. bench/private-broker.sh
bench_workspace iot_clients
(cd bench/clients && mvn -B -q dependency:build-classpath -Dmdep.outputFile="$work/cp.txt")
start_private_broker
url="tcp://127.0.0.1:$port"
paho() { java -cp collector/target/collector.jar bench/PahoDrain.java "$url" "$1" 'bench/#' "$n" "$2" "$3" 1; }
hive() { java -cp "$(cat "$work/cp.txt")" bench/HiveDrain.java 127.0.0.1 "$port" "$1" 'bench/#' "$n" "$2" "$3"; }

mosquitto_sub -h 127.0.0.1 -p "$port" -c -i bench-sub -q 1 -t 'bench/#' -E
paho bench-paho register plain
paho bench-pahob register buffered
hive bench-hive register 2000
hive bench-hive-max register 65535
java -jar simulator/target/simulator.jar --broker-url "$url" --client-id bench-pub --topic-prefix bench --count "$n" | tail -1

t0=$(date +%s.%N)
mosquitto_sub -h 127.0.0.1 -p "$port" -c -i bench-sub -q 1 -t 'bench/#' -C "$n" > /dev/null
t1=$(date +%s.%N)
sub_rate=$(awk -v n="$n" -v a="$t0" -v b="$t1" 'BEGIN {printf "%.0f", n / (b - a)}')
echo "mosquitto_sub drain: $n msgs in $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}') s ($sub_rate msg/s)"
for line in "$(paho bench-paho drain plain)" "$(paho bench-pahob drain buffered)" \
            "$(hive bench-hive drain 2000)" "$(hive bench-hive-max drain 65535)"; do
  rate=$(echo "$line" | sed -nE 's/.*\(([0-9]+) msg\/s\)/\1/p')
  if [ -n "$rate" ]; then
    awk -v l="$line" -v r="$rate" -v s="$sub_rate" 'BEGIN {printf "%s; ratio to mosquitto_sub %.2f\n", l, r / s}'
  else
    echo "$line"
  fi
done
