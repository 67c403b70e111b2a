#!/usr/bin/env bash
# JMH microbenchmarks: what one message costs on each step of the collector's path (decode,
# map and validate, raw line, the whole of intake, reading a raw line back, COPY text per row),
# in microseconds per message, warmed up, on one core. About 1.5 minutes.
# Usage: bench/hotpaths.sh [JMH options, e.g. -f 3 or a benchmark name such as intake]
set -euo pipefail
cd "$(dirname "$0")/.."
build_log=$(mktemp)
mvn -B -q package -Pbench -pl bench/jmh -am -DskipTests > "$build_log" 2>&1 || { cat "$build_log"; rm -f "$build_log"; exit 1; }
rm -f "$build_log"
java -jar bench/jmh/target/benchmarks.jar "$@" 2>&1 | sed -n '/^Benchmark /,$p'
