#!/usr/bin/env bash
# Backlog drain: N QoS 1 messages (default 200,000) queued for persistent sessions while their
# clients are away, then drained one after another. Measures, in one run on a private Mosquitto
# started with the project's mosquitto/mosquitto.conf settings:
#   - mosquitto_sub (C client, to /dev/null): the consumer-side ceiling;
#   - bare Paho (the collector's MQTT 5 client and settings, acknowledging at once, no work):
#     the ceiling of one Java connection, with Paho's own socket and with the collector's
#     buffered one; and two such connections sharing one subscription in one JVM;
#   - the collector with PostgreSQL unreachable: intake alone (parse, validate, raw file, fsync, ack);
#   - the collector: time until every reading is committed in PostgreSQL (and in the raw file),
#     its start-up time to "subscribed" and its peak RSS.
# The collector runs through bin/edge-collector, as users run it (JVM options, class-data archive,
# MALLOC_ARENA_MAX).
# Usage: bench/drain.sh [MESSAGES]    (needs mosquitto, mosquitto_sub, psql; local PostgreSQL)
#   LAUNCHER / COLLECTOR_JAR / COLLECTOR_JAVA_OPTS / COLLECTOR_ARGS as in bench/steady.sh
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-200000}
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
. bench/private-broker.sh
bench_workspace iot_bench
start_private_broker
url="tcp://127.0.0.1:$port"
# one sample of the collector's /metrics (cheap to poll: counting lines or rows would steal CPU from the drain)
# the busiest threads of a process: "name seconds, ..." (JIT compiler, MQTT callback, loader...)
thread_cpu() {
  for t in /proc/"$1"/task/*; do
    printf '%s\t%s\n' "$(sed 's/.*) //' "$t/stat" | awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($12 + $13) / hz}')" "$(cat "$t/comm")"
  done | sort -rn | head -6 | awk -F'\t' '{printf "%s%s %s s", (NR > 1 ? ", " : ""), $2, $1}'
}
# CPU seconds (user + system) a process has used so far
cpu_seconds() { sed 's/.*) //' "/proc/$1/stat" | awk -v hz="$(getconf CLK_TCK)" '{printf "%.2f", ($12 + $13) / hz}'; }
http=$(free_port)
ihttp=$(free_port)
args=(run --broker-url "$url" --topics 'bench/#' --topic-template 'bench/{sensor_id}/{metric}' --client-id bench-collector
      --raw-dir "$work/raw" --db-url "jdbc:postgresql://127.0.0.1:5432/$db" --sensors-file config/sensors.json
      --http-port "$http" ${COLLECTOR_ARGS:-})

intake_args=(run --broker-url "$url" --topics 'bench/#' --topic-template 'bench/{sensor_id}/{metric}' --client-id bench-intake
      --raw-dir "$work/raw-intake" --db-url "jdbc:postgresql://127.0.0.1:1/none" --sensors-file config/sensors.json
      --http-port "$ihttp" ${COLLECTOR_ARGS:-})
# the collector as the README and the systemd unit start it: the launcher, its JVM options, its
# class-data archive (written when the first registration exits, used by every later start)
launcher=${LAUNCHER:-bin/edge-collector}
export COLLECTOR_CDS_ARCHIVE=${COLLECTOR_CDS_ARCHIVE:-$work/collector.jsa}
register_collector() {
  "$launcher" "$@" > "$work/register.log" 2>&1 & collector=$!
  until grep -qs event=subscribed "$work/register.log"; do collector_alive "$work/register.log"; sleep 0.1; done
  kill -TERM "$collector"; wait "$collector" || true; collector=
}

# Register the persistent sessions, then leave.
mosquitto_sub -h 127.0.0.1 -p "$port" -c -i bench-sub -q 1 -t 'bench/#' -E
paho() { java -cp collector/target/collector.jar bench/PahoDrain.java "$url" "$1" 'bench/#' "$n" "$2" "$3" "$4"; }
paho bench-paho register plain 1
paho bench-pahob register buffered 1
paho bench-share register buffered 2
paho bench-own register own 1
register_collector "${intake_args[@]}"
register_collector "${args[@]}"

java -jar simulator/target/simulator.jar --broker-url "$url" --client-id bench-pub --topic-prefix bench --count "$n" | tail -1

t0=$(date +%s.%N)
mosquitto_sub -h 127.0.0.1 -p "$port" -c -i bench-sub -q 1 -t 'bench/#' -C "$n" > /dev/null
t1=$(date +%s.%N)

rate_of() { echo "$1" | sed -E 's/.*\(([0-9]+) msg\/s\)/\1/'; }
paho_plain=$(paho bench-paho drain plain 1)
paho_line=$(paho bench-pahob drain buffered 1)
share_line=$(paho bench-share drain buffered 2)
own_line=$(paho bench-own drain own 1)

istart=$(date +%s.%N)
"$launcher" "${intake_args[@]}" > "$work/intake.log" 2>&1 & collector=$!
until [ "$(metric "$ihttp" edge_collector_messages_acked_total)" -ge "$n" ]; do collector_alive "$work/intake.log"; sleep 0.05; done
idone=$(date +%s.%N)
icpu=$(cpu_seconds "$collector")
threads=$(thread_cpu "$collector")
kill -TERM "$collector"; wait "$collector" || true; collector=

psql -q -h 127.0.0.1 -U postgres -c "TRUNCATE measurements" "$db" >/dev/null
start=$(date +%s.%N)
"$launcher" "${args[@]}" > "$work/collector.log" 2>&1 & collector=$!
until grep -qs event=connected "$work/collector.log"; do collector_alive "$work/collector.log"; sleep 0.02; done
connected=$(date +%s.%N)
until grep -qs event=subscribed "$work/collector.log"; do collector_alive "$work/collector.log"; sleep 0.02; done
subscribed=$(date +%s.%N)
rss=0
raw_done=
until [ "$(metric "$http" edge_collector_loaded_rows_total)" -ge "$n" ]; do
  collector_alive "$work/collector.log"
  r=$(awk '/VmHWM/ {print $2}' /proc/$collector/status); [ "$r" -gt "$rss" ] && rss=$r
  if [ -z "$raw_done" ] && [ "$(metric "$http" edge_collector_messages_acked_total)" -ge "$n" ]; then raw_done=$(date +%s.%N); fi
  sleep 0.05
done
[ -n "$raw_done" ] || raw_done=$(date +%s.%N)
done_at=$(date +%s.%N)
cpu=$(cpu_seconds "$collector")
threads=$(thread_cpu "$collector")
# what the collector's PostgreSQL sessions cost the same box (the server shares its cores)
pg_cpu=$(psql -tA -h 127.0.0.1 -U postgres -c "SELECT pid FROM pg_stat_activity WHERE application_name = 'edge-collector' AND datname = current_database()" "$db" |
  while read -r p; do [ -r "/proc/$p/stat" ] && cpu_seconds "$p"; done | awk '{s += $1} END {printf "%.1f", s}')
rows=$(psql -tA -h 127.0.0.1 -U postgres -c 'SELECT count(*) FROM measurements' "$db")
r=$(awk '/VmHWM/ {print $2}' /proc/$collector/status); [ "$r" -gt "$rss" ] && rss=$r
lines=$(cat "$work"/raw/*.jsonl | wc -l)
awk -v n="$n" -v a="$t0" -v b="$t1" -v s="$start" -v u="$subscribed" -v d="$done_at" -v rss="$rss" -v lines="$lines" -v w="$raw_done" \
    -v paho_plain="$paho_plain" -v paho_plain_rate="$(rate_of "$paho_plain")" -v paho="$(rate_of "$paho_line")" -v paho_line="$paho_line" \
    -v share_line="$share_line" -v share="$(rate_of "$share_line")" -v own_line="$own_line" -v own="$(rate_of "$own_line")" -v is="$istart" -v id="$idone" -v c="$connected" -v cpu="$cpu" -v icpu="$icpu" -v rows="$rows" -v threads="$threads" -v pg_cpu="$pg_cpu" 'BEGIN {
  sub_rate = n / (b - a); col_rate = n / (d - s); intake_rate = n / (id - is);
  printf "mosquitto_sub drain: %d msgs in %.2f s (%.0f msg/s)\n", n, b - a, sub_rate;
  printf "%s; ratio to mosquitto_sub %.2f\n", paho_plain, paho_plain_rate / sub_rate;
  printf "%s; ratio to mosquitto_sub %.2f\n", paho_line, paho / sub_rate;
  printf "%s; ratio to mosquitto_sub %.2f\n", share_line, share / sub_rate;
  printf "%s; ratio to mosquitto_sub %.2f\n", own_line, own / sub_rate;
  printf "collector intake only (raw file + fsync + ack, PostgreSQL away): %d msgs in %.2f s from process start (%.0f msg/s); ratio %.2f; %.0f us CPU/msg\n", n, id - is, intake_rate, intake_rate / sub_rate, icpu / n * 1e6;
  printf "collector drain to PostgreSQL: %d rows in %.2f s from process start (%.0f msg/s), raw lines %d, rows counted in PostgreSQL %d; %.0f us collector CPU/msg\n", n, d - s, col_rate, lines, rows, cpu / n * 1e6;
  printf "  collector CPU by thread: %s; its PostgreSQL sessions %.1f s\n", threads, pg_cpu;
  printf "  of which: every line in the raw file (fsynced and acknowledged) after %.2f s (%.0f msg/s since subscribed)\n", w - s, n / (w - u);
  printf "ratio collector/mosquitto_sub: %.2f; collector/bare Paho (its own socket): %.2f; collector/its own connection bare: %.2f\n", col_rate / sub_rate, col_rate / paho_plain_rate, col_rate / own;
  printf "collector start-up: connected (session resumed, backlog flowing) %.2f s, subscribed (SUBACK, queued behind the backlog) %.2f s; peak RSS: %.0f MB\n", c - s, u - s, rss / 1024;
}'
