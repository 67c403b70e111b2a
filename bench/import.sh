#!/usr/bin/env bash
# History import benchmark: a generated wide CSV of READINGS readings (default 1,000,000:
# 200,000 lines of 5 metrics, a minute apart) imported into a fresh database on the local
# PostgreSQL (dropped afterwards), JVM start included; prints readings/s and checks the rows.
# Phases (from the import's log): load_ms = the loader's time in PostgreSQL transactions, overlapping
# parsing; writer_waited_ms = parsing held up by loading; rollup_ms = a final measurements_1min fill (only an import begun with its rollups deferred; else 0).
# Usage: bench/import.sh [READINGS]   (builds the jars first if they are missing)
#   LAUNCHER: another launcher (default bin/edge-collector); COLLECTOR_JAVA_OPTS: JVM options added
set -euo pipefail
cd "$(dirname "$0")/.."
readings=${1:-1000000}
lines=$((readings / 5))
[ -f collector/target/collector.jar ] || mvn -B -q package -DskipTests
work=$(mktemp -d)
db="bench_import_$$"
trap 'rm -rf "$work"; psql -q -h 127.0.0.1 -U postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null' EXIT
awk -v n="$lines" 'BEGIN {
  print "time;temperature;humidity;light;co2;pressure";
  t = 1704067200;
  for (i = 0; i < n; i++) {
    printf "%d;%.2f;%.1f;%d;%d;%.1f\n", t + 60 * i, 20 + (i % 100) / 10, 40 + (i % 30), (i * 7) % 1500, 400 + (i % 600), 1000 + (i % 40) / 2;
  }
}' > "$work/history.csv"
echo "import: $(wc -l < "$work/history.csv") lines, $(du -h "$work/history.csv" | cut -f1) of CSV"
start=$(date +%s.%N)
# as users run it: the launcher and its JVM options (COLLECTOR_JAVA_OPTS adds to them, LAUNCHER names another)
/usr/bin/time -f "import JVM: %e s wall, %U s user, %S s sys, %M KB peak RSS" "${LAUNCHER:-bin/edge-collector}" import --db-url "jdbc:postgresql://127.0.0.1:5432/$db" \
  --raw-dir "$work/raw" --device bench-1 "$work/history.csv" 2>&1 | awk '/event=import_loaded/ { sub(/.*event=import_loaded/, "import phases:"); print; next } !/ INFO / { print }'
end=$(date +%s.%N)
rows=$(psql -qtA -h 127.0.0.1 -U postgres "$db" -c "SELECT count(*) FROM measurements")
minutes=$(psql -qtA -h 127.0.0.1 -U postgres "$db" -c "SELECT count(*) || ' rows, count ' || sum(count) FROM measurements_1min")
echo "import: measurements_1min: $minutes (one per reading: the readings are a minute apart)"
awk -v r="$readings" -v rows="$rows" -v s="$start" -v e="$end" 'BEGIN {
  t = e - s;
  printf "import: %d readings in %.2f s wall, JVM start included (%.0f readings/s); rows in PostgreSQL: %d\n", r, t, r / t, rows;
}'
