#!/usr/bin/env bash
# What one request costs KVS itself: the service process's CPU time (user + system, from
# /proc/<pid>/stat) divided by the requests answered, for a GET served from the cache, a GET that
# reaches the database, a PUT of a random existing key, and PUTs of new keys written in sequence
# (user:00000001, user:00000002, ...) and in random order. Throughput and p50/p99 are printed
# beside it. Give several jars to compare builds; they are alternated round by round.
#
# Usage: load-tests/bench/kvs-cpu-per-request.sh [JAR ...]          (default: target/kvs.jar)
# Env:   ROUNDS (3), DUR (10s), CONC (64), KEYS (100000 records, made afresh at the start: fresh_records), PORT (18080),
#        KVS_BENCH_DB, EXTRA_ENV="KVS_X=y ..." for the service, HOT (1000),
#        JFR=DIR to record a Flight Recorder profile per jar and workload into DIR (the
#        recording costs a few per cent; `jfr view hot-methods DIR/<file>.jfr` shows where the
#        time went), JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
source load-tests/bench/lib.sh
ROUNDS=${ROUNDS:-3}; DUR=${DUR:-10s}; HOT=${HOT:-1000}
bench_defaults
[ $# -gt 0 ] || set -- "$KVS_JAR"
JARS=(); for jar in "$@"; do JARS+=("$(realpath "$jar")"); done
trap 'stop_loader; stop_service; cleanup_scratch' EXIT
trap 'exit 130' INT TERM
KVS_JAR=${JARS[0]} bench_prerequisites
ensure_database "$DB"
[ -z "${JFR:-}" ] || mkdir -p "$JFR"

# Service CPU time so far, in clock ticks.
service_ticks() { awk '{ print $14 + $15 }' "/proc/$SERVICE_PID/stat"; }

# measure NAME LUA [NAME=VALUE ...]: one wrk run; adds "cpu_us=<µs per request>" to its result.
declare -A CPU
measure() {
  local name=$1 lua=$2; shift 2
  local t0 t1 line requests
  t0=$(service_ticks)
  line=$(env "$@" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/$lua" "$CONC" "$DUR" 2>"$BENCH_TMP/diag") ||
    { cat "$BENCH_TMP/diag" >&2; die "the $name run failed (service log: $SERVICE_LOG)"; }
  t1=$(service_ticks)
  requests=$(sed -nE 's/.*requests=([0-9]+).*/\1/p' "$BENCH_TMP/diag")
  line+=" cpu_us=$(awk -v t=$(( t1 - t0 )) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
    'BEGIN { printf "%.1f", (n > 0 ? t / hz * 1e6 / n : 0) }')"
  RESULTS[$name]+="$line"$'\n'
  echo "  $name: $line" >&2
}

start() { # JAR_INDEX CACHE(true|false) WORKLOAD
  local jfr_opts=()
  [ -z "${JFR:-}" ] || jfr_opts=(JAVA_TOOL_OPTIONS="-XX:StartFlightRecording=filename=$JFR/jar$1-$3.jfr,settings=profile")
  KVS_JAR=${JARS[$1]}
  # shellcheck disable=SC2086 # EXTRA_ENV is a list of NAME=VALUE words
  start_service "${TMPDIR:-/tmp}/kvs-cpu-bench-$PORT.log" KVS_CACHE_ENABLED="$2" "${jfr_opts[@]}" ${EXTRA_ENV:-}
}

RUN_ID=$(date +%s)
for round in $(seq 1 "$ROUNDS"); do
  for i in "${!JARS[@]}"; do
    vacuum_tables
    start "$i" true hit
    # The first start of the sitting makes the table afresh (fresh_records in lib.sh).
    if [ -z "${FRESH:-}" ]; then fresh_records; FRESH=1; fi
    env HOT="$HOT" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" 5s >/dev/null 2>&1
    measure "hit-$i" kvs-get.lua HOT="$HOT"
    stop_service
    start "$i" false miss
    # Warm both paths first: the JIT compiler's CPU time counts as the process's, and the first
    # workload of a kind would carry it.
    "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" 10s >/dev/null 2>&1
    "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-put.lua" "$CONC" 10s >/dev/null 2>&1
    measure "miss-$i" kvs-get.lua
    measure "put-$i" kvs-put.lua
    measure "seq-$i" kvs-put-order.lua ORDER=sequential RUN_ID="$RUN_ID$round$i"
    measure "rand-$i" kvs-put-order.lua ORDER=random RUN_ID="$RUN_ID$round$i"
    stop_service
  done
  echo "round $round done"
done

echo "== $(nproc) cores, $CONC connections, $DUR runs, median of $ROUNDS rounds; $KEYS keys${EXTRA_ENV:+; $EXTRA_ENV}"
for i in "${!JARS[@]}"; do echo "jar $i: ${JARS[$i]}"; done
for test in hit miss put seq rand; do
  for i in "${!JARS[@]}"; do
    r=${RESULTS[$test-$i]}
    printf '%-4s jar=%s rps=%s p50_ms=%s p99_ms=%s cpu_us_per_request=%s\n' "$test" "$i" \
      "$(median rps "$r")" "$(median p50_ms "$r")" "$(median p99_ms "$r")" "$(median cpu_us "$r")"
  done
done
