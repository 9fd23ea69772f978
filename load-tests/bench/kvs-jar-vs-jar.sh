#!/usr/bin/env bash
# Two builds of KVS against each other: GETs, PUTs and conditional PUTs on the same records, each jar restarted for
# its turn and warmed up for 10 s, alternated over ROUNDS rounds; medians. For "what did this
# change cost or buy": build the other jar from another commit (git worktree add ../old <commit>;
# (cd ../old && ./mvnw -q -DskipTests package)) and pass both. Read cache off.
#
# Usage: load-tests/bench/kvs-jar-vs-jar.sh A_JAR B_JAR [ROUNDS] [DURATION]     (defaults: 3 10s)
# Env:   KEYS (100000 records, made afresh at the start: fresh_records), CONC (64), PORT (18080), KVS_BENCH_DB, JAVA_HOME,
#        A_ENV / B_ENV="KVS_X=y ..." settings for one side only (pass one jar twice to compare settings).
set -euo pipefail
cd "$(dirname "$0")/../.."
source load-tests/bench/lib.sh
A_JAR=$(realpath "$1"); B_JAR=$(realpath "$2"); ROUNDS=${3:-3}; DUR=${4:-10s}
bench_defaults
trap 'stop_service; cleanup_scratch' EXIT
trap 'exit 130' INT TERM
KVS_JAR=$B_JAR bench_prerequisites

ensure_database "$DB"
for round in $(seq 1 "$ROUNDS"); do
  for which in a b; do
    if [ "$which" = a ]; then KVS_JAR=$A_JAR; side_env=${A_ENV:-}; else KVS_JAR=$B_JAR; side_env=${B_ENV:-}; fi
    vacuum_tables
    # shellcheck disable=SC2086 # a list of NAME=VALUE words
    start_service "${TMPDIR:-/tmp}/kvs-jar-bench-$PORT.log" KVS_CACHE_ENABLED=false $side_env
    # The first start of the sitting makes the table afresh (fresh_records in lib.sh).
    if [ -z "${FRESH:-}" ]; then fresh_records; FRESH=1; fi
    take "warm-up-$which" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" 10s
    take "get-$which" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" "$DUR"
    take "put-$which" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-put.lua" "$CONC" "$DUR"
    take "cas-$which" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-cas.lua" "$CONC" "$DUR"
    stop_service
  done
  echo "round $round done"
done

echo "== $(nproc) cores, $CONC connections, $DUR runs, median of $ROUNDS rounds; $KEYS keys, cache off"
echo "a: $A_JAR ${A_ENV:-}"; echo "b: $B_JAR ${B_ENV:-}"
for test in get put cas; do
  for which in a b; do
    r=${RESULTS[$test-$which]}
    printf '%-4s %s rps=%s p50_ms=%s p99_ms=%s\n' "$test" "$which" "$(median rps "$r")" "$(median p50_ms "$r")" "$(median p99_ms "$r")"
  done
done
