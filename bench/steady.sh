#!/usr/bin/env bash
# Steady-state cost: the simulator publishes RATE msg/s (default 2,000: 5 sensors, QoS 1) through a
# private Mosquitto (the project's settings) into the collector, started as the README starts it
# (bin/edge-collector run), and PostgreSQL (a private database on the local server). After WARMUP
# minutes (default 1), it measures MEASURE minutes (default 5) and prints the collector's whole
# process CPU per message over that window (user + system from /proc/<pid>/stat: every thread,
# GC and JIT included), the messages received in it, whether the rows kept up, and its RSS.
# Usage: bench/steady.sh [RATE] [WARMUP_MIN] [MEASURE_MIN]
#   LAUNCHER: another launcher (default bin/edge-collector); COLLECTOR_JAR: another jar;
#   COLLECTOR_JAVA_OPTS: extra JVM options (e.g. a profiler agent); COLLECTOR_ARGS: extra flags.
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-2000}
warmup=${2:-1}
measure=${3:-5}
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
. bench/private-broker.sh
bench_workspace iot_steady
start_private_broker
url="tcp://127.0.0.1:$port"
http=$(free_port)
# per-thread CPU ticks: "tid ticks name" lines
thread_ticks() {
  for t in /proc/"$1"/task/*; do
    printf '%s %s %s\n' "${t##*/}" "$(sed 's/.*) //' "$t/stat" | awk '{print $12 + $13}')" "$(tr ' ' '_' < "$t/comm")"
  done
}
log=$work/collector.log
start_launched_collector bench-steady
total=$(( (warmup + measure) * 60 + 5 ))
java -jar simulator/target/simulator.jar --broker-url "$url" --client-id bench-steady-pub --topic-prefix bench \
  --sensors 5 --rate "$(echo "$rate / 5" | bc -l)" --duration "${total}s" > "$work/pub.log" 2>&1 & publisher=$!
# Mosquitto writes its database when stopped: wait for it before removing the workspace
trap 'kill $publisher 2>/dev/null || true; bench_cleanup; wait 2>/dev/null; rm -rf "$work"' EXIT
sleep $(( warmup * 60 ))
thread_ticks "$collector" > "$work/threads0"
c0=$(cpu_ticks "$collector"); m0=$(metric "$http" edge_collector_messages_received_total); t0=$(date +%s.%N)
sleep $(( measure * 60 ))
c1=$(cpu_ticks "$collector"); m1=$(metric "$http" edge_collector_messages_received_total); t1=$(date +%s.%N)
loaded=$(metric "$http" edge_collector_loaded_messages_total); received=$(metric "$http" edge_collector_messages_received_total)
rss=$(awk '/VmRSS/ {print $2}' /proc/$collector/status); hwm=$(awk '/VmHWM/ {print $2}' /proc/$collector/status)
thread_ticks "$collector" > "$work/threads1"
# the busiest threads over the window (JIT compilers, MQTT receiver and callback, writer, loader...)
threads=$(awk -v hz="$(getconf CLK_TCK)" 'NR == FNR {t0[$1] = $2; next} {d[$3] += $2 - t0[$1]}
  END {for (n in d) if (d[n] > 0) printf "%.2f\t%s\n", d[n] / hz, n}' "$work/threads0" "$work/threads1" |
  sort -rn | head -8 | awk -F'\t' '{printf "%s%s %s s", (NR > 1 ? ", " : ""), $2, $1}')
wait "$publisher" || true
awk -v c0="$c0" -v c1="$c1" -v m0="$m0" -v m1="$m1" -v t0="$t0" -v t1="$t1" -v hz="$(getconf CLK_TCK)" \
    -v rss="$rss" -v hwm="$hwm" -v lo="$loaded" -v rc="$received" -v w="$warmup" -v rate="$rate" 'BEGIN {
  n = m1 - m0; cpu = (c1 - c0) / hz
  printf "steady %d msg/s, after %d min warm-up: %d msgs in %.0f s (%.0f msg/s); collector CPU %.2f s = %.1f us/msg (%.1f%% of one core)\n",
    rate, w, n, t1 - t0, n / (t1 - t0), cpu, cpu / n * 1e6, cpu / (t1 - t0) * 100
  printf "loaded into PostgreSQL %d of %d received at the end of the window; RSS %.0f MB, peak %.0f MB\n", lo, rc, rss / 1024, hwm / 1024 }'
echo "  collector CPU by thread over the window: $threads"
