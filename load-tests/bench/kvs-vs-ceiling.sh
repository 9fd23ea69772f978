#!/usr/bin/env bash
# Measures KVS against PostgreSQL's own ceiling on this machine (see README.md in this
# directory): 64 connections, 10 s runs, each KVS run alternated with the matching pgbench run
# on the same table shape, ROUNDS rounds, medians and the ratio KVS / ceiling.
#
# Usage: load-tests/bench/kvs-vs-ceiling.sh [ROUNDS] [DURATION]       (defaults: 3 10s)
# Env:   KVS_JAR (target/kvs.jar, built if missing), PORT (18080), KVS_BENCH_DB (kvs_bench; the
#        ceiling table goes to <KVS_BENCH_DB>_ceiling), KEYS (100000), CONC (64),
#        SKIP_LOAD=1 to reuse the records of a previous run, LOAD_CONNS (8),
#        EXTRA_ENV="KVS_X=y ..." for the service, JAVA_HOME (else .ci/jdk.sh finds a JDK).
set -euo pipefail
cd "$(dirname "$0")/../.."
source load-tests/bench/lib.sh
ROUNDS=${1:-3}; DUR=${2:-10s}
bench_defaults
trap 'stop_loader; stop_service; cleanup_scratch' EXIT
trap 'exit 130' INT TERM
CEILING_DB=${DB}_ceiling
bench_prerequisites

for db in "$DB" "$CEILING_DB"; do ensure_database "$db"; done
echo "preparing the ceiling table in $CEILING_DB ..."
psql -q -X -v ON_ERROR_STOP=1 -d "$CEILING_DB" -f "$BENCH_HOME/pg/ceiling-setup.sql" >/dev/null

# shellcheck disable=SC2086 # EXTRA_ENV is a list of NAME=VALUE words
start_service "${TMPDIR:-/tmp}/kvs-bench-$PORT.log" ${EXTRA_ENV:-}

if [ -z "${SKIP_LOAD:-}" ]; then
  echo "loading $KEYS records ..."
  load_records
else
  live=$(live_records)
  [ "$live" -ge "$KEYS" ] || die "SKIP_LOAD: only $live of $KEYS records are live in $DB; run without SKIP_LOAD"
fi

echo "warming up ..."
take warm-up-get "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" 15s
take warm-up-put "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-put.lua" "$CONC" 10s

for round in $(seq 1 "$ROUNDS"); do
  take get    "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" "$DUR"
  take select env PGDATABASE="$CEILING_DB" "$BENCH_HOME/pgbench.sh" "$BENCH_HOME/pg/ceiling-select.sql" "$CONC" "$DUR"
  take put    "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-put.lua" "$CONC" "$DUR"
  take upsert env PGDATABASE="$CEILING_DB" "$BENCH_HOME/pgbench.sh" "$BENCH_HOME/pg/ceiling-upsert.sql" "$CONC" "$DUR"
  echo "round $round done"
done
stop_service

report() { # LABEL KVS_RUNS CEILING_RUNS
  local k=${RESULTS[$2]} c=${RESULTS[$3]} krps crps
  krps=$(median rps "$k"); crps=$(median rps "$c")
  printf '%-5s kvs rps=%s p50_ms=%s p99_ms=%s | ceiling (%s) rps=%s p50_ms=%s p99_ms=%s | ratio=%.2f\n' \
    "$1" "$krps" "$(median p50_ms "$k")" "$(median p99_ms "$k")" \
    "$3" "$crps" "$(median p50_ms "$c")" "$(median p99_ms "$c")" \
    "$(awk -v a="$krps" -v b="$crps" 'BEGIN { print a / b }')"
}
echo "== $(nproc) cores, $CONC connections, $DUR runs, median of $ROUNDS alternated rounds, $KEYS keys"
report GET get select
report PUT put upsert
