#!/usr/bin/env bash
# Does throughput hold as the table grows? Random GETs and random overwrites (PUT) over every
# record of a table of each size in SIZES, each size in a database of its own (written by SQL the
# first time, fresh_records in lib.sh: ten million records take a minute, not an hour of PUTs),
# 64 connections, cache off, the sizes alternated round by round; medians, the ratio of each size
# to the first, and the service's peak resident memory (VmHWM) per size.
#
# Usage: load-tests/bench/kvs-data-scale.sh [ROUNDS] [DURATION]       (defaults: 3 10s)
# Env:   SIZES ("100000 10000000"), CONC (64), PORT (18080), KVS_BENCH_DB (kvs_bench; the size
#        is appended: kvs_bench_10000000), EXTRA_ENV="KVS_X=y ..." for the service (for example
#        "KVS_CACHE_ENABLED=true JAVA_TOOL_OPTIONS=-Xmx256m" for the memory of a cached service),
#        KVS_JAR, JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
source load-tests/bench/lib.sh
ROUNDS=${1:-3}; DUR=${2:-10s}
read -r -a SIZE_LIST <<<"${SIZES:-100000 10000000}"
bench_defaults
BASE_DB=$DB
trap 'stop_service; cleanup_scratch' EXIT
trap 'exit 130' INT TERM
bench_prerequisites

peak_rss_mb() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$SERVICE_PID/status"; }

declare -A PEAK
for round in $(seq 1 "$ROUNDS"); do
  for size in "${SIZE_LIST[@]}"; do
    KEYS=$size; DB=${BASE_DB}_$size; export KEYS
    ensure_database "$DB"
    vacuum_tables
    # shellcheck disable=SC2086 # EXTRA_ENV is a list of NAME=VALUE words
    start_service "${TMPDIR:-/tmp}/kvs-scale-bench-$PORT.log" KVS_CACHE_ENABLED=false ${EXTRA_ENV:-}
    if [ "$(sql "SELECT count(*) FROM kv WHERE ns = '$NS' AND expired_at > now() + interval '1 day'")" -lt "$size" ]; then
      fresh_records
    fi
    take "warm-up-$size" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" 10s
    take "get-$size" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" "$DUR"
    take "put-$size" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-put.lua" "$CONC" "$DUR"
    rss=$(peak_rss_mb)
    [ "${PEAK[$size]:-0}" -ge "$rss" ] || PEAK[$size]=$rss
    stop_service
  done
  echo "round $round done"
done

echo "== $(nproc) cores, $CONC connections, $DUR runs, median of $ROUNDS alternated rounds; ${EXTRA_ENV:-cache off}"
first=${SIZE_LIST[0]}
for test in get put; do
  base=$(median rps "${RESULTS[$test-$first]}")
  for size in "${SIZE_LIST[@]}"; do
    r=${RESULTS[$test-$size]}
    printf '%-4s records=%-9s rps=%s p50_ms=%s p99_ms=%s ratio_to_%s=%.2f peak_rss_mb=%s\n' "$test" "$size" \
      "$(median rps "$r")" "$(median p50_ms "$r")" "$(median p99_ms "$r")" "$first" \
      "$(awk -v a="$(median rps "$r")" -v b="$base" 'BEGIN { print a / b }')" "${PEAK[$size]}"
  done
done
