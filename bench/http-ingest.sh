#!/usr/bin/env bash
# POST /ingest under load: CONNECTIONS keep-alive connections (default 32) each sending
# single-reading POSTs one after the other for SECONDS (default 20, after 5 s of warm-up), into a
# collector with a private broker and a throwaway database. Prints req/s, p50/p99/max latency
# (target: >= 5,000 req/s with p99 <= 50 ms on a 2-core box), the collector's CPU per request,
# then waits until PostgreSQL holds every accepted reading and prints rows found vs accepted.
# With TLS=1 the port speaks HTTPS (a self-signed certificate made with openssl). With
# SLOW=100, that many idle or half-sent connections are held open during the run, and /health
# is timed (curl) while they are.
# Run it as `flock -o /work/.test.lock bash bench/http-ingest.sh` on a shared machine.
# Usage: [TLS=1] [SLOW=100] [JAR=collector/target/collector.jar] bench/http-ingest.sh [CONNECTIONS] [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
connections=${1:-32}
seconds=${2:-20}
jar=${JAR:-collector/target/collector.jar}
[ -f "$jar" ] || mvn -B -q package -DskipTests
. bench/private-broker.sh
bench_workspace iot_http
start_private_broker
log=$work/collector.log
http=$(free_port)
# LOAD=java uses bench/HttpLoad.java (a JVM client on the same 2 cores) instead of wrk
load_generator=${LOAD:-$(command -v wrk >/dev/null && echo wrk || echo java)}
scheme=http
tls_flags=()
ca=()
if [ "${TLS:-0}" = 1 ]; then
  openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$work/key.pem" -out "$work/cert.pem" 2>/dev/null
  tls_flags=(--http-tls-cert "$work/cert.pem" --http-tls-key "$work/key.pem")
  ca=("$work/cert.pem")
  scheme=https
fi
java "${collector_jvm[@]}" -jar "$jar" run --broker-url "tcp://127.0.0.1:$port" \
  --topics 'bench/#' --client-id bench-http --raw-dir "$work/raw" \
  --db-url "jdbc:postgresql://127.0.0.1:5432/$db" --http-port "$http" --http-bind 127.0.0.1 \
  --http-ingest true "${tls_flags[@]}" > "$log" 2>&1 & collector=$!
until grep -qs event=database_ready "$log"; do collector_alive "$log"; sleep 0.1; done

slow=
if [ -n "${SLOW:-}" ]; then
  python3 - "$http" "$SLOW" "$seconds" <<'PY' & slow=$!
import socket, sys, time
port, n, secs = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
held = []
for i in range(n):
    s = socket.create_connection(("127.0.0.1", port))
    if i % 2 == 0:
        s.send(b"GET /hea")  # half a request line, then silence
    held.append(s)
time.sleep(secs + 10)
PY
  trap 'kill $slow 2>/dev/null || true; bench_cleanup' EXIT
  sleep 1
fi

# /health timed five times, while the slow connections are held open
probe_health() {
  for _ in 1 2 3 4 5; do
    curl -sk -o /dev/null -w "/health under load with $SLOW slow connections held open: %{http_code} in %{time_total} s\n" \
      "$scheme://127.0.0.1:$http/health"
    sleep 1
  done
}

echo "POST $scheme://127.0.0.1:$http/ingest: $connections connections, ${seconds} s measured after 5 s of warm-up (load generator: $load_generator)"
if [ "$load_generator" = wrk ]; then
  # wrk (C, epoll, OpenSSL, two threads) costs the shared 2 cores far less than a JVM client
  base=$(( ($(date +%s) - 86400) * 1000 ))   # yesterday: no future_timestamp flags
  wrk -t2 -c"$connections" -d5s -s bench/http-ingest.lua "$scheme://127.0.0.1:$http/ingest/bench" \
    -- "$base" http-bench-w > "$work/warmup.out" &
  load=$!
  wait $load
  cpu0=$(cpu_ticks "$collector")
  wrk -t2 -c"$connections" -d"${seconds}s" -s bench/http-ingest.lua "$scheme://127.0.0.1:$http/ingest/bench" \
    -- "$(( base + 10000000 ))" http-bench-m > "$work/measured.out" &
  load=$!
  if [ -n "$slow" ]; then
    sleep 5
    probe_health
  fi
  wait $load
  cpu1=$(cpu_ticks "$collector")
  grep -v '^accepted_readings=' "$work/measured.out" | sed -n '/^requests:/,$p'
  measured=$(sed -n 's/^requests: \([0-9]*\).*/\1/p' "$work/measured.out")
  awk -v t=$(( cpu1 - cpu0 )) -v hz="$(getconf CLK_TCK)" -v n="$measured" -v s="$seconds" \
    'BEGIN { printf "collector CPU: %.1f us per request (%.2f cores)\n", t / hz * 1e6 / n, t / hz / s }'
  accepted=$(( $(sed -n 's/^accepted_readings=//p' "$work/warmup.out") + $(sed -n 's/^accepted_readings=//p' "$work/measured.out") ))
else
  java -cp "$jar" bench/HttpLoad.java "$scheme://127.0.0.1:$http/ingest/bench" "$connections" "$seconds" 5 "$collector" \
    "${ca[@]}" | tee "$work/load.out" &
  load=$!
  if [ -n "$slow" ]; then
    sleep 10
    probe_health
  fi
  wait $load
  accepted=$(sed -n 's/^accepted_readings=//p' "$work/load.out")
fi
t0=$(date +%s)
rows=0
while [ $(( $(date +%s) - t0 )) -lt 120 ]; do
  rows=$(psql -At -h 127.0.0.1 -U postgres -d "$db" -c "SELECT count(*) FROM measurements WHERE sensor_id LIKE 'http-bench-%'")
  [ "$rows" -ge "$accepted" ] && break
  sleep 1
done
sleep 2   # requests in flight when the load generator stopped may still arrive
rows=$(psql -At -h 127.0.0.1 -U postgres -d "$db" -c "SELECT count(*) FROM measurements WHERE sensor_id LIKE 'http-bench-%'")
# wrk stops with up to one request per connection in flight: the collector may have accepted
# those without wrk seeing the answer, so a few more rows than counted answers are expected
if [ "$rows" = "$accepted" ]; then verdict='every one, once'
elif [ "$load_generator" = wrk ] && [ "$rows" -gt "$accepted" ] && [ "$rows" -le $(( accepted + 2 * connections )) ]; then
  verdict="every one, once, and $(( rows - accepted )) sent in the last moment whose answers the load generator did not wait for"
else verdict=MISMATCH; fi
echo "rows in PostgreSQL: $rows of $accepted accepted ($verdict)"
echo "raw lines: $(cat "$work"/raw/*.jsonl | wc -l)"
echo "collector peak RSS: $(( $(awk '/VmHWM/ {print $2}' /proc/$collector/status) / 1024 )) MB (${collector_jvm[*]})"
