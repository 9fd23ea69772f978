#!/usr/bin/env bash
# Measures KVS against the ceilings of this machine (see README.md in this directory): 64
# connections, 10 s runs, each KVS run alternated with the matching ceiling run, ROUNDS rounds,
# medians and the ratio KVS / ceiling:
#   GET (cache off)                 vs pgbench primary-key select on the same table shape
#   PUT, conditional PUT (cache off) vs pgbench single-statement upsert
#   GET of 1,000 hot keys (cache on) vs a bare Vert.x server answering fixed JSON (BareVertx.java)
#
# Usage: load-tests/bench/kvs-vs-ceiling.sh [ROUNDS] [DURATION]       (defaults: 3 10s)
# Env:   KVS_JAR (target/kvs.jar, built if missing), PORT (18080), KVS_BENCH_DB (kvs_bench; the
#        ceiling table goes to <KVS_BENCH_DB>_ceiling), KEYS (100000), CONC (64),
#        SKIP_LOAD=1 to reuse the records of a previous run (else the table is made afresh:
#        fresh_records in lib.sh),
#        EXTRA_ENV="KVS_X=y ..." for the service, HOT (1000), BARE_PORT (18099),
#        JAVA_HOME (else .ci/jdk.sh finds a JDK).
set -euo pipefail
cd "$(dirname "$0")/../.."
source load-tests/bench/lib.sh
ROUNDS=${1:-3}; DUR=${2:-10s}
bench_defaults
HOT=${HOT:-1000}; BARE_PORT=${BARE_PORT:-18099}; BARE_PID=
stop_bare() { if [ -n "$BARE_PID" ]; then kill "$BARE_PID" 2>/dev/null || true; wait "$BARE_PID" 2>/dev/null || true; BARE_PID=; fi; }
trap 'stop_loader; stop_service; stop_bare; cleanup_scratch' EXIT
trap 'exit 130' INT TERM
CEILING_DB=${DB}_ceiling
bench_prerequisites

for db in "$DB" "$CEILING_DB"; do ensure_database "$db"; done
echo "preparing the ceiling table in $CEILING_DB ..."
psql -q -X -v ON_ERROR_STOP=1 -d "$CEILING_DB" -f "$BENCH_HOME/pg/ceiling-setup.sql" >/dev/null

# shellcheck disable=SC2086 # EXTRA_ENV is a list of NAME=VALUE words
start_service "${TMPDIR:-/tmp}/kvs-bench-$PORT.log" KVS_CACHE_ENABLED=false ${EXTRA_ENV:-}

if [ -z "${SKIP_LOAD:-}" ]; then
  fresh_records
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
  take cas    "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-cas.lua" "$CONC" "$DUR"
  echo "round $round done"
done
stop_service

# Cache hits against a bare Vert.x server, each in turn alone on the machine.
BARE_URL=http://127.0.0.1:$BARE_PORT
for round in $(seq 1 "$ROUNDS"); do
  # shellcheck disable=SC2086
  start_service "${TMPDIR:-/tmp}/kvs-bench-$PORT.log" KVS_CACHE_ENABLED=true ${EXTRA_ENV:-}
  take warm-up-hot env HOT="$HOT" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" 5s
  take hot env HOT="$HOT" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" "$DUR"
  stop_service
  "$JAVA_HOME/bin/java" -cp "$KVS_JAR" "$BENCH_HOME/BareVertx.java" "$BARE_PORT" >"$BENCH_TMP/bare.log" 2>&1 &
  BARE_PID=$!
  for _ in $(seq 1 60); do curl -s -o /dev/null "$BARE_URL/" && break; sleep 0.5; done
  take warm-up-bare "$BENCH_HOME/wrk.sh" "$BARE_URL/v1/ns/bench/kv/k1" - "$CONC" 5s
  take bare "$BENCH_HOME/wrk.sh" "$BARE_URL/v1/ns/bench/kv/k1" - "$CONC" "$DUR"
  stop_bare
  echo "cache round $round done"
done

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
report CAS cas upsert
report HOT hot bare
