#!/usr/bin/env bash
# Compaction benchmark: one simulated day of raw JSONL (default 1,000,000 lines) compacted to
# Parquet in a fresh JVM, started as the compaction timer starts it (bin/edge-collector compact:
# -Xmx512m -XX:+UseParallelGC, and -XX:+UseTransparentHugePages where the kernel offers them);
# prints the rate, the CPU time of the compacting JVM (both cores), the Parquet/JSONL size ratio and its peak RSS.
# Usage: bench/compaction.sh [LINES]   (builds the jars first if they are missing)
#   COLLECTOR_JAVA_OPTS: more JVM options (a smaller heap, e.g. -Xmx64m, shows what it needs)
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
[ -f collector/target/collector.jar ] && [ -f simulator/target/simulator.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
day=$(date -u -d yesterday +%F)
java -cp collector/target/collector.jar:simulator/target/simulator.jar bench/GenerateRawDay.java "$work/raw" "$day" "$lines"
raw_bytes=$(stat -c %s "$work"/raw/*.jsonl)
# the day's file was closed hours before its compaction runs: its pages are on disk, not being
# written back while the compaction is timed
sync
start=$(date +%s.%N)
/usr/bin/time -f '%M %U %S' -o "$work/rss" bin/edge-collector compact --date "$day" --raw-dir "$work/raw" --lake-dir "$work/lake" \
  --sensors-file config/sensors.json --db-url jdbc:postgresql://127.0.0.1:1/none
end=$(date +%s.%N)
parquet_bytes=$(du -cb "$work"/lake/measurements/date="$day"/*.parquet | tail -1 | cut -f1)
rollup_bytes=$(du -cb "$work"/lake/rollups_1h/date="$day"/*.parquet | tail -1 | cut -f1)
read -r rss_kb cpu_user cpu_sys < <(tail -1 "$work/rss")
awk -v k="$rss_kb" -v opts="$(JAVA=echo bin/edge-collector compact | sed 's/ -jar .*//') ${COLLECTOR_JAVA_OPTS:-}" 'BEGIN { printf "compaction peak RSS: %.0f MB (%s)\n", k / 1024, opts }'
awk -v l="$lines" -v cu="$cpu_user" -v cs="$cpu_sys" -v s="$start" -v e="$end" -v r="$raw_bytes" -v p="$parquet_bytes" -v u="$rollup_bytes" 'BEGIN {
  t = e - s;
  printf "compaction: %d lines in %.2f s wall, JVM start included (%.0f lines/s); CPU %.2f s user + %.2f s sys\n", l, t, l / t, cu, cs;
  printf "size: jsonl %.1f MB -> parquet %.1f MB + rollups %.2f MB (ratio %.3f, 1/%.1f)\n", r/1e6, p/1e6, u/1e6, p/r, r/p;
}'
