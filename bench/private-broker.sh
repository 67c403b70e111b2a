# Sourced by the drain and latency benchmarks.
#   bench_workspace PREFIX      sets $work (a temporary directory) and $db (a database name starting
#                               with PREFIX); on exit the collector ($collector) and the broker ($broker)
#                               are stopped, the database dropped and the directory removed.
#   start_private_broker        a private Mosquitto with the project's mosquitto/mosquitto.conf settings
#                               (queue and in-flight limits, persistence) on a free loopback port in
#                               $work; sets $port and $broker (its pid) and returns once it listens.
#   free_port                   prints a free loopback port.
#   $collector_jvm              the JVM options bin/edge-collector gives `run` (which the systemd
#                               unit and the image run), then any in $COLLECTOR_JAVA_OPTS (to try
#                               others); another garbage collector in $COLLECTOR_GC (e.g. -XX:+UseG1GC).
#   metric PORT NAME            the value of one counter on the collector's /metrics at PORT (0 if absent).
#   cpu_ticks PID               user + system CPU of a process, in clock ticks.
#   start_launched_collector ID the collector through ${LAUNCHER:-bin/edge-collector} (COLLECTOR_CDS_ARCHIVE
#                               defaults to $work/collector.jsa) on the private broker ($url, topics
#                               bench/#) into $db, client id ID, /metrics on $http, log in $log,
#                               extra flags in $COLLECTOR_ARGS; sets $collector, returns once subscribed.
#                               The first call starts and stops it once before, as after installing: the
#                               launcher writes its class-data archive at that exit, so the measured
#                               process runs as every later start does.
#   collector_alive LOG         in a wait loop: stops the benchmark with the end of LOG when the
#                               collector ($collector) has exited, instead of waiting forever.
# read from the launcher's `run` case, so a bench cannot drift from what users run
launcher_run_opts=$(sed -n 's/^ *\*) opts="\([^"]*\)".*/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../bin/edge-collector")
[ -n "$launcher_run_opts" ] || { echo "bench/private-broker.sh: no run options in bin/edge-collector" >&2; exit 1; }
# and the native heap trim it adds on a JVM that has it (this machine's 17.0.15 does)
launcher_run_opts="$launcher_run_opts $(sed -n 's/^ *opts="\$opts \([^"]*TrimNativeHeapInterval[^"]*\)".*/\1/p' "$(dirname "${BASH_SOURCE[0]}")/../bin/edge-collector")"
# shellcheck disable=SC2206 # options are words on purpose
collector_jvm=(${launcher_run_opts/-XX:+UseSerialGC/${COLLECTOR_GC:--XX:+UseSerialGC}} ${COLLECTOR_JAVA_OPTS:-})

collector_alive() {
  kill -0 "$collector" 2>/dev/null && return 0
  echo "the collector exited; the end of $1:" >&2
  tail -20 "$1" >&2
  exit 1
}
launch_collector() {
  "${LAUNCHER:-bin/edge-collector}" run \
    --broker-url "$url" --topics 'bench/#' --topic-template 'bench/{sensor_id}/{metric}' --client-id "$1" \
    --raw-dir "$work/raw" --db-url "jdbc:postgresql://127.0.0.1:5432/$db" --sensors-file config/sensors.json \
    --http-port "$http" ${COLLECTOR_ARGS:-} > "$log" 2>&1 & collector=$!
  until grep -qs event=subscribed "$log"; do collector_alive "$log"; sleep 0.05; done
}
start_launched_collector() {
  export COLLECTOR_CDS_ARCHIVE=${COLLECTOR_CDS_ARCHIVE:-$work/collector.jsa}
  if [ -z "${launched_before:-}" ]; then
    launched_before=1
    launch_collector "$1"
    sleep 3
    kill -TERM "$collector"; wait "$collector" || true; collector=
  fi
  launch_collector "$1"
}
metric() { curl -s "http://127.0.0.1:$1/metrics" | awk -v m="$2" '$1 == m {printf "%d", $2; found=1} END {if (!found) print 0}'; }
cpu_ticks() { sed 's/.*) //' "/proc/$1/stat" | awk '{print $12 + $13}'; }
free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

bench_workspace() {
  work=$(mktemp -d)
  db="$1_$$"
  broker=
  collector=
  trap bench_cleanup EXIT
}

bench_cleanup() {
  [ -n "$collector" ] && kill "$collector" 2>/dev/null && wait "$collector" 2>/dev/null || true
  # Mosquitto writes its database when stopped: wait for it before removing the workspace
  [ -n "$broker" ] && kill "$broker" 2>/dev/null && wait "$broker" 2>/dev/null || true
  psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}

start_private_broker() {
  port=$(free_port)
  grep -v -E '^(listener|persistence_location|allow_anonymous)' mosquitto/mosquitto.conf > "$work/mosquitto.conf"
  printf 'listener %s 127.0.0.1\nallow_anonymous true\npersistence_location %s/\nuser root\nlog_dest file %s/mosquitto.log\n' \
    "$port" "$work" "$work" >> "$work/mosquitto.conf"
  /usr/sbin/mosquitto -c "$work/mosquitto.conf" & broker=$!
  for _ in $(seq 50); do (exec 3<>/dev/tcp/127.0.0.1/$port) 2>/dev/null && return 0; sleep 0.1; done
  echo "private mosquitto did not start on port $port" >&2
  return 1
}
