#!/usr/bin/env bash
# Endurance: 2,000 msg/s (2% bad messages, 1% readings sent twice) through a private persistent
# Mosquitto into the collector (its own process, the systemd unit's JVM options) and a private
# PostgreSQL for MINUTES (default 60), with a fault every FAULT_SECONDS (default 180), in turn:
# the collector killed with -9 and restarted, the broker restarted, PostgreSQL stopped for 20 s,
# SIGHUP. Prints a sample every 10 s (RSS, open fds, threads, backlog), then first/last/min/max
# and the slope per hour of each after the first 5 minutes, per collector process too, and the
# final check: every message the broker confirmed is one row or one rejection, none twice.
# The driver is the one EnduranceIT runs (collector/src/test/.../it/endurance/Endurance.java).
# Usage: bench/endurance.sh [MINUTES] [FAULT_SECONDS]   (run it under the test lock: it loads both cores)
set -euo pipefail
cd "$(dirname "$0")/.."
minutes=${1:-60}
fault_seconds=${2:-180}
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
driver=
cleanup() {
  if [ -n "$driver" ]; then kill "$driver" 2>/dev/null && wait "$driver" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 143' TERM
trap 'exit 130' INT
mvn -B -q -o test-compile dependency:build-classpath -pl collector -am -Dmdep.includeScope=test \
  -Dmdep.outputFile="$work/cp.txt" >/dev/null
# the driver stops its broker, PostgreSQL and collector by pid when it ends, also on SIGTERM
cd collector
java -Xmx512m -cp "target/test-classes:target/classes:$(cat "$work/cp.txt")" \
  io.edgecollector.collector.it.endurance.Endurance "$minutes" "$fault_seconds" & driver=$!
wait "$driver"
