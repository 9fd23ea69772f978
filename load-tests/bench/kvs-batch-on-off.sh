#!/usr/bin/env bash
# What shared statements do at each level of concurrency: GETs and PUTs of random keys with
# KVS_BATCH_ENABLED on and off, at 1, 16 and 64 connections (CONNS), alternated over ROUNDS rounds;
# medians. An idle service must send each request at once, alone: at 1 connection the two modes
# should not differ.
#
# Usage: load-tests/bench/kvs-batch-on-off.sh [ROUNDS] [DURATION]     (defaults: 3 10s)
# Env:   CONNS ("1 16 64"), KEYS (100000 records, made afresh at the start: fresh_records), KVS_JAR, PORT (18080),
#        KVS_BENCH_DB, JAVA_HOME. Read cache off.
set -euo pipefail
cd "$(dirname "$0")/../.."
source load-tests/bench/lib.sh
ROUNDS=${1:-3}; DUR=${2:-10s}; CONNS=${CONNS:-1 16 64}
bench_defaults
trap 'stop_loader; stop_service; cleanup_scratch' EXIT
trap 'exit 130' INT TERM
bench_prerequisites
ensure_database "$DB"

for round in $(seq 1 "$ROUNDS"); do
  for mode in on off; do
    vacuum_tables
    start_service "${TMPDIR:-/tmp}/kvs-batch-bench-$PORT.log" KVS_CACHE_ENABLED=false \
      KVS_BATCH_ENABLED=$([ "$mode" = on ] && echo true || echo false)
    # The first start of the sitting makes the table afresh (fresh_records in lib.sh).
    if [ -z "${FRESH:-}" ]; then fresh_records; FRESH=1; fi
    take "warm-up-$mode" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" 64 5s
    for c in $CONNS; do
      take "get-$c-$mode" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$c" "$DUR"
      take "put-$c-$mode" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-put.lua" "$c" "$DUR"
    done
    stop_service
  done
  echo "round $round done"
done

echo "== $(nproc) cores, $DUR runs, median of $ROUNDS rounds; $KEYS keys, cache off"
for test in get put; do
  for c in $CONNS; do
    for mode in on off; do
      r=${RESULTS[$test-$c-$mode]}
      printf '%-4s conns=%-3s batch=%-3s rps=%s p50_ms=%s p99_ms=%s\n' "$test" "$c" "$mode" \
        "$(median rps "$r")" "$(median p50_ms "$r")" "$(median p99_ms "$r")"
    done
  done
done
