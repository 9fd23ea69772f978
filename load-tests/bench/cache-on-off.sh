#!/usr/bin/env bash
# Measures the read cache: GETs of a hot key set (cache hits), uniform random GETs over a table
# larger than the cache, and PUTs (the cost of invalidation and batched NOTIFY), each with the
# cache on and off, alternated over ROUNDS rounds; medians. The service is restarted for each
# mode, and warmed up for 10 s.
#
# Usage: load-tests/bench/cache-on-off.sh [ROUNDS] [DURATION]     (defaults: 3 10s)
# Env:   KEYS (100000 records, loaded by kvs-vs-ceiling.sh: run it once first, same
#        KVS_BENCH_DB), HOT (1000), CACHE_ENTRIES (10000: a tenth of the table), CONC (64),
#        KVS_JAR (target/kvs.jar), PORT (18080), KVS_BENCH_DB (kvs_bench), JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
source load-tests/bench/lib.sh
ROUNDS=${1:-3}; DUR=${2:-10s}
bench_defaults
trap 'stop_service; cleanup_scratch' EXIT
trap 'exit 130' INT TERM
HOT=${HOT:-1000}; CACHE_ENTRIES=${CACHE_ENTRIES:-10000}
bench_prerequisites

live=$(live_records)
[ "$live" -ge "$KEYS" ] || die "only $live of $KEYS records are live in $DB: load them first with load-tests/bench/kvs-vs-ceiling.sh"

start_kvs() { # on|off
  stop_service
  start_service "${TMPDIR:-/tmp}/kvs-cache-bench-$PORT.log" \
    KVS_CACHE_ENABLED="$([ "$1" = on ] && echo true || echo false)" KVS_CACHE_MAX_ENTRIES="$CACHE_ENTRIES"
  take "warm-up-$1" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" 10s
}

for round in $(seq 1 "$ROUNDS"); do
  for mode in on off; do
    start_kvs "$mode"
    take "hot-$mode"     env HOT="$HOT" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" "$DUR"
    take "uniform-$mode" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" "$DUR"
    take "put-$mode"     "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-put.lua" "$CONC" "$DUR"
  done
  echo "round $round done"
done
stop_service

echo "== $(nproc) cores, $CONC connections, $DUR runs, median of $ROUNDS rounds; $KEYS keys, hot set $HOT, cache $CACHE_ENTRIES entries"
for test in hot uniform put; do
  for mode in on off; do
    r=${RESULTS[$test-$mode]}
    printf '%-8s cache=%-3s rps=%s p50_ms=%s p99_ms=%s\n' "$test" "$mode" "$(median rps "$r")" "$(median p50_ms "$r")" "$(median p99_ms "$r")"
  done
done
