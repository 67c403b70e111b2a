#!/usr/bin/env bash
# Kafka output benchmark: readings forwarded per second from a backlog of raw lines (default
# 1,000,000 simulated lines with 1-2% of each fault, 1-2 readings or a dead letter each), to a
# local Apache Kafka 4.1.1 (KRaft, one node, from the test classpath) with the collector's
# defaults (transactions of 10,000 lines, zstd). The database is away on purpose: Kafka
# forwarding does not wait on it. Prints the rate from the first committed transaction to the
# last, and with the JVM start and Kafka handshake included. Then the effect on live
# publish-to-queryable latency: bench/latency.sh at 2000 msg/s for LATENCY_SECONDS (default 30)
# without, then with the Kafka output on (LATENCY_SECONDS=0: skip), LATENCY_ROUNDS times (default
# 1); with the output on, also publish-to-Kafka latency (bench/KafkaLatency.java, a read_committed
# consumer of edge.readings beside it).
# Usage: bench/kafka.sh [LINES]   (run it under the test lock: it loads both cores)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
. bench/private-broker.sh
bench_workspace iot_kafka
kafka=
stop_kafka() { if [ -n "$kafka" ]; then kill "$kafka" 2>/dev/null && wait "$kafka" 2>/dev/null || true; fi; }
trap 'stop_kafka; bench_cleanup' EXIT
# a stop from outside still runs the cleanup: an orphaned broker would keep the test lock's descriptor
trap 'exit 143' TERM
trap 'exit 130' INT
mvn -B -q -o compile dependency:build-classpath -pl collector -am -Dmdep.includeScope=test -Dmdep.outputFile="$work/cp.txt" >/dev/null
cat > "$work/logback.xml" <<'XML'
<configuration><appender name="F" class="ch.qos.logback.core.FileAppender"><file>${LOG}</file>
<encoder><pattern>%d %level %logger{20} %msg%n</pattern></encoder></appender>
<root level="WARN"><appender-ref ref="F"/></root></configuration>
XML

kport=$(free_port)
cport=$(free_port)
cat > "$work/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$cport
listeners=PLAINTEXT://127.0.0.1:$kport,CONTROLLER://127.0.0.1:$cport
advertised.listeners=PLAINTEXT://127.0.0.1:$kport
controller.listener.names=CONTROLLER
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$work/kafka-log
num.partitions=3
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
PROPS
kcp="$(cat "$work/cp.txt")"
java -cp "$kcp" -Dlogback.configurationFile="$work/logback.xml" -DLOG="$work/kafka.log" kafka.tools.StorageTool \
  format -t "$(java -cp "$kcp" -Dlogback.configurationFile="$work/logback.xml" -DLOG="$work/kafka.log" kafka.tools.StorageTool random-uuid)" \
  -c "$work/server.properties" >/dev/null
java -Xmx512m -cp "$kcp" -Dlogback.configurationFile="$work/logback.xml" -DLOG="$work/kafka.log" kafka.Kafka "$work/server.properties" &
kafka=$!

java -cp collector/target/collector.jar:simulator/target/simulator.jar bench/GenerateRawDay.java "$work/raw" "$(date -u +%F)" "$lines"
raw_bytes=$(du -cb "$work"/raw/*.jsonl | tail -1 | cut -f1)
start_private_broker
for i in $(seq 1 60); do (exec 3<>/dev/tcp/127.0.0.1/$kport) 2>/dev/null && break; sleep 0.5; done

http=$(free_port)
start=$(date +%s.%N)
java "${collector_jvm[@]}" -jar collector/target/collector.jar run --broker-url "tcp://127.0.0.1:$port" \
  --topics 'bench/#' --client-id bench-kafka --raw-dir "$work/raw" --sensors-file config/sensors.json \
  --db-url jdbc:postgresql://127.0.0.1:1/none --http-port "$http" \
  --kafka-bootstrap-servers "127.0.0.1:$kport" > "$work/collector.log" 2>&1 &
collector=$!
forwarded() {
  { exec 3<>/dev/tcp/127.0.0.1/$http && printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 && cat <&3; } 2>/dev/null \
    | awk '/^edge_collector_kafka_forwarded_messages_total/ {print int($2)}'
}
first=
while true; do
  collector_alive "$work/collector.log"
  n=$(forwarded || true)
  now=$(date +%s.%N)
  if [ -n "$n" ] && [ "$n" -gt 0 ] && [ -z "$first" ]; then first=$now; first_n=$n; fi
  [ -n "$n" ] && [ "$n" -ge "$lines" ] && break
  sleep 0.1
done
end=$now
{ exec 3<>/dev/tcp/127.0.0.1/$http && printf 'GET /metrics HTTP/1.0\r\n\r\n' >&3 && cat <&3; } 2>/dev/null \
  | grep -E '^edge_collector_kafka_(records_total|errors_total)' > "$work/records.txt"
readings=$(awk -F'[ }]' '/kind="readings"/ {print int($NF)}' "$work/records.txt")
rejections=$(awk -F'[ }]' '/kind="rejections"/ {print int($NF)}' "$work/records.txt")
awk -v l="$lines" -v s="$start" -v f="$first" -v fn="$first_n" -v e="$end" -v r="$readings" -v j="$rejections" -v b="$raw_bytes" 'BEGIN {
  t = e - f; w = e - s;
  printf "kafka forward: %d raw lines (%.0f MB) -> %d readings + %d dead letters\n", l, b / 1e6, r, j;
  printf "  %.2f s from the first commit to the last: %.0f readings/s (%.0f lines/s)\n", t, r * (l - fn) / l / t, (l - fn) / t;
  printf "  %.2f s wall from the collector start (JVM start, Kafka handshake included): %.0f readings/s\n", w, r / w;
}'
kill "$collector" 2>/dev/null && wait "$collector" 2>/dev/null || true
collector=
latency_seconds=${LATENCY_SECONDS:-30}
rounds=${LATENCY_ROUNDS:-1}
if [ "$latency_seconds" -gt 0 ]; then
  # off and on in turn (LATENCY_ROUNDS times), so a drift of the shared machine falls on both
  for round in $(seq 1 "$rounds"); do
    echo "round $round: live latency without the Kafka output:"
    bench/latency.sh 2000 "$latency_seconds" | grep -E 'publish-to-queryable|published|after the first'
    echo "round $round: live latency with the Kafka output on (same Kafka):"
    java -cp collector/target/collector.jar bench/KafkaLatency.java "127.0.0.1:$kport" edge.readings \
      "$((latency_seconds + 25))" > "$work/kafka-latency.txt" 2>"$work/kafka-latency.err" &
    consumer=$!
    # an instance id of its own each round: a new raw file under a new transactional id, so the
    # checkpoint an earlier round left in Kafka for a file of the same name does not apply
    COLLECTOR_ARGS="--kafka-bootstrap-servers 127.0.0.1:$kport --instance-id round$round" \
      bench/latency.sh 2000 "$latency_seconds" \
      | grep -E 'publish-to-queryable|published|after the first'
    wait "$consumer" || tail -5 "$work/kafka-latency.err"
    sed 's/^/  /' "$work/kafka-latency.txt"
  done
fi
