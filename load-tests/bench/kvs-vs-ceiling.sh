#!/usr/bin/env bash
# Measures KVS against its ceilings on this machine, the way ../shared/bench/README.md says:
# 64 connections, 10 s runs, each KVS run alternated with the PostgreSQL ceiling run (pgbench,
# same table shape), three rounds, medians and ratios.
#
# Usage: load-tests/bench/kvs-vs-ceiling.sh [ROUNDS] [DURATION]       (defaults: 3 10s)
# Env:   KEYS (100000), CONC (64), KVS_BENCH_DB (kvs_bench), BENCH_DIR (../shared/bench),
#        SKIP_LOAD=1 to reuse the records of a previous run, EXTRA_ENV="KVS_X=y ..." for the service.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}; DUR=${2:-10s}; CONC=${CONC:-64}; KEYS=${KEYS:-100000}
BENCH_DIR=$(cd "${BENCH_DIR:-../shared/bench}" && pwd)
DB=${KVS_BENCH_DB:-kvs_bench}; CEILING_DB=${DB}_ceiling; PORT=${PORT:-18080}
export PGHOST=127.0.0.1 PGUSER=${PGUSER:-$(whoami)}
source .ci/jdk.sh >/dev/null

command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
[ -f target/kvs.jar ] || ./mvnw -q -B package -DskipTests
for db in "$DB" "$CEILING_DB"; do
  psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$db'" | grep -q 1 || createdb "$db"
done
psql -q -d "$CEILING_DB" -f "$BENCH_DIR/pg/setup.sql" >/dev/null 2>&1

env KVS_HTTP_PORT=$PORT PGDATABASE=$DB KVS_PURGE_ENABLED=false ${EXTRA_ENV:-} \
  "$JAVA_HOME/bin/java" -jar target/kvs.jar > /tmp/kvs-bench.log 2>&1 &
KVS_PID=$!
trap 'kill $KVS_PID 2>/dev/null; wait $KVS_PID 2>/dev/null' EXIT
for _ in $(seq 1 60); do curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break; sleep 0.5; done
URL=http://127.0.0.1:$PORT
if [ -z "${SKIP_LOAD:-}" ]; then
  echo "loading $KEYS records ..."
  # wrk keeps its connections busy after the script stops a thread: stop it once the rows are there.
  KEYS=$KEYS NS=bench THREADS=2 wrk -t2 -c2 -d600s -s "$BENCH_DIR/lua/kvs-load.lua" "$URL" >/dev/null &
  LOADER=$!
  until [ "$(psql -d "$DB" -Atc "SELECT count(*) FROM kv WHERE ns = 'bench'")" -ge "$KEYS" ]; do sleep 1; done
  kill $LOADER 2>/dev/null || true
fi
echo "warming up ..."
KEYS=$KEYS NS=bench "$BENCH_DIR/run-wrk.sh" "$URL" "$BENCH_DIR/lua/kvs-get.lua" "$CONC" 15s >/dev/null 2>&1
KEYS=$KEYS NS=bench "$BENCH_DIR/run-wrk.sh" "$URL" "$BENCH_DIR/lua/kvs-put.lua" "$CONC" 10s >/dev/null 2>&1

declare -A results
for round in $(seq 1 "$ROUNDS"); do
  results[get]+="$(KEYS=$KEYS NS=bench "$BENCH_DIR/run-wrk.sh" "$URL" "$BENCH_DIR/lua/kvs-get.lua" "$CONC" "$DUR" 2>/dev/null)"$'\n'
  results[select]+="$(PGDATABASE=$CEILING_DB "$BENCH_DIR/run-pgbench.sh" "$BENCH_DIR/pg/select.sql" "$CONC" "${DUR%s}" 2>/dev/null)"$'\n'
  results[put]+="$(KEYS=$KEYS NS=bench "$BENCH_DIR/run-wrk.sh" "$URL" "$BENCH_DIR/lua/kvs-put.lua" "$CONC" "$DUR" 2>/dev/null)"$'\n'
  results[upsert]+="$(PGDATABASE=$CEILING_DB "$BENCH_DIR/run-pgbench.sh" "$BENCH_DIR/pg/upsert.sql" "$CONC" "${DUR%s}" 2>/dev/null)"$'\n'
  echo "round $round done"
done

median() { # field name, lines
  printf '%s' "$2" | sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'
}
report() { # label, kvs key, ceiling key
  local k=${results[$2]} c=${results[$3]}
  local kr; kr=$(median rps "$k"); local cr; cr=$(median rps "$c")
  printf '%-5s kvs rps=%s p50_ms=%s p99_ms=%s | ceiling (%s) rps=%s p50_ms=%s p99_ms=%s | ratio=%.2f\n' \
    "$1" "$kr" "$(median p50_ms "$k")" "$(median p99_ms "$k")" "$3" "$cr" "$(median p50_ms "$c")" "$(median p99_ms "$c")" \
    "$(awk -v a="$kr" -v b="$cr" 'BEGIN {print a / b}')"
}
echo "== $(nproc) cores, $CONC connections, $DUR runs, median of $ROUNDS alternated rounds, $KEYS keys"
report GET get select
report PUT put upsert
