#!/usr/bin/env bash
# Every benchmark in one run, on this machine: backlog drain against mosquitto_sub and bare Paho,
# live latency at 2,000 msg/s for 60 s, start-up against an existing database (with and without
# an AppCDS archive), compaction of a 1,000,000-line day, and the JMH microbenchmarks of the
# per-message hot paths (rule evaluation among them), alert latency with 100 rules, the footprint
# of `run` started with and without bin/edge-collector, and the Kafka output (a 1,000,000-line
# backlog forwarded, live latency with and without it), the steady-state cost at 2,000 msg/s (1 min
# warm-up, 5 min measured) and a live 50,000-message burst against mosquitto_sub. About 22 minutes.
# Each part uses private brokers and its own databases, and removes them afterwards.
# Usage: bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
echo "== machine: $(nproc) cores, $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo), $(java -version 2>&1 | head -1)"
echo "== backlog drain (bench/drain.sh 200000)"
bash bench/drain.sh 200000
echo "== live latency (bench/latency.sh 2000 60)"
bash bench/latency.sh 2000 60
echo "== alert latency with 100 rules (bench/alerts.sh 2000 60)"
bash bench/alerts.sh 2000 60
echo "== start-up (bench/startup.sh 5)"
bash bench/startup.sh 5
echo "== compaction (bench/compaction.sh 1000000)"
bash bench/compaction.sh 1000000
echo "== hot paths, per message (bench/hotpaths.sh)"
bash bench/hotpaths.sh
echo "== footprint of run in a 50,000-message burst (bench/footprint.sh 50000)"
bash bench/footprint.sh 50000
echo "== Kafka output (bench/kafka.sh 1000000)"
bash bench/kafka.sh 1000000
echo "== steady-state cost at 2,000 msg/s (bench/steady.sh 2000 1 5)"
bash bench/steady.sh 2000 1 5
echo "== live burst of 50,000 against mosquitto_sub (bench/burst.sh 50000 2)"
bash bench/burst.sh 50000 2
