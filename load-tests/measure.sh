#!/usr/bin/env bash
# Runs every Gatling simulation (or those named) against a running KVS, one after the other,
# and prints each one's throughput, percentiles and assertion results. The HTML reports land in
# load-tests/target/gatling/. Extra arguments go to Gatling as they are (-Dusers=..., -Dseed=false).
#
# Usage: BASE_URL=http://127.0.0.1:8080 load-tests/measure.sh [-Dname=value ...]
#        SIMS="HotReads UniformReads" load-tests/measure.sh
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/jdk.sh >/dev/null
BASE_URL=${BASE_URL:-http://127.0.0.1:8080}
SIMS=${SIMS:-HotReads UniformReads WriteHeavy ConditionalContention Session ListPaging}
failed=()
for sim in $SIMS; do
  echo "=== ${sim}Simulation against $BASE_URL ($(date +%T), load average $(cut -d' ' -f1-3 /proc/loadavg))"
  log=$(mktemp)
  ./mvnw -q -B -f load-tests/pom.xml gatling:test -Dgatling.simulationClass="dev.kvs.load.${sim}Simulation" \
      -DbaseUrl="$BASE_URL" "$@" >"$log" 2>&1 || failed+=("$sim")
  grep -E 'seeded|conditional writes|Global:|verify:|ERROR|index.html|^> (request count|response time (50th|95th|99th)|mean throughput)' "$log" || true
  rm -f "$log"
done
# Non-zero when any simulation failed its checks or assertions, so the script can gate a pipeline.
if [ ${#failed[@]} -gt 0 ]; then
  echo "failed: ${failed[*]}" >&2
  exit 1
fi
