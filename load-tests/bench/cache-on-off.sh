#!/usr/bin/env bash
# Measures the read cache: GETs of a hot key set (cache hits), uniform random GETs over a table
# larger than the cache, and PUTs (the cost of invalidation and batched NOTIFY), each with the
# cache on and off, alternated over ROUNDS rounds; medians.
#
# Usage: load-tests/bench/cache-on-off.sh [ROUNDS] [DURATION]     (defaults: 3 10s)
# Env:   KEYS (100000 records, loaded by kvs-vs-ceiling.sh: run it once first), HOT (1000),
#        CACHE_ENTRIES (10000: a tenth of the table), CONC (64), BENCH_DIR (../shared/bench)
set -euo pipefail
cd "$(dirname "$0")/../.."
ROUNDS=${1:-3}; DUR=${2:-10s}; CONC=${CONC:-64}; KEYS=${KEYS:-100000}; HOT=${HOT:-1000}
CACHE_ENTRIES=${CACHE_ENTRIES:-10000}
BENCH_DIR=$(cd "${BENCH_DIR:-../shared/bench}" && pwd)
DB=${KVS_BENCH_DB:-kvs_bench}; PORT=${PORT:-18080}; URL=http://127.0.0.1:$PORT
export PGHOST=127.0.0.1 PGUSER=${PGUSER:-$(whoami)}
source .ci/jdk.sh >/dev/null
[ -f target/kvs.jar ] || ./mvnw -q -B package -DskipTests
have=$(psql -d "$DB" -Atc "SELECT count(*) FROM kv WHERE ns = 'bench'" 2>/dev/null || echo 0)
[ "$have" -ge "$KEYS" ] || { echo "load $KEYS records first: load-tests/bench/kvs-vs-ceiling.sh" >&2; exit 1; }

KVS_PID=
stop_kvs() {
  if [ -n "$KVS_PID" ]; then kill "$KVS_PID" 2>/dev/null || true; wait "$KVS_PID" 2>/dev/null || true; fi
  KVS_PID=
}
trap stop_kvs EXIT
start_kvs() { # cache on|off
  stop_kvs
  env KVS_HTTP_PORT=$PORT PGDATABASE=$DB KVS_PURGE_ENABLED=false KVS_CACHE_ENABLED=$([ "$1" = on ] && echo true || echo false) \
    KVS_CACHE_MAX_ENTRIES=$CACHE_ENTRIES "$JAVA_HOME/bin/java" -jar target/kvs.jar > /tmp/kvs-cache-bench.log 2>&1 &
  KVS_PID=$!
  for _ in $(seq 1 60); do curl -sf "$URL/health/ready" >/dev/null && break; sleep 0.5; done
  KEYS=$KEYS NS=bench "$BENCH_DIR/run-wrk.sh" "$URL" "$BENCH_DIR/lua/kvs-get.lua" "$CONC" 10s >/dev/null 2>&1 # warm-up
}
run() { KEYS=$KEYS NS=bench "$@" 2>/dev/null; }

declare -A results
for round in $(seq 1 "$ROUNDS"); do
  for mode in on off; do
    start_kvs $mode
    results[hot-$mode]+="$(HOT=$HOT run "$BENCH_DIR/run-wrk.sh" "$URL" "$BENCH_DIR/lua/kvs-get.lua" "$CONC" "$DUR")"$'\n'
    results[uniform-$mode]+="$(run "$BENCH_DIR/run-wrk.sh" "$URL" "$BENCH_DIR/lua/kvs-get.lua" "$CONC" "$DUR")"$'\n'
    results[put-$mode]+="$(run "$BENCH_DIR/run-wrk.sh" "$URL" "$BENCH_DIR/lua/kvs-put.lua" "$CONC" "$DUR")"$'\n'
  done
  echo "round $round done"
done
stop_kvs

median() { printf '%s' "$2" | sed -n "s/.*$1=\([0-9.]*\).*/\1/p" | sort -g | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
echo "== $(nproc) cores, $CONC connections, $DUR runs, median of $ROUNDS rounds; $KEYS keys, hot set $HOT, cache $CACHE_ENTRIES entries"
for test in hot uniform put; do
  for mode in on off; do
    r=${results[$test-$mode]}
    printf '%-8s cache=%-3s rps=%s p50_ms=%s p99_ms=%s\n' "$test" "$mode" "$(median rps "$r")" "$(median p50_ms "$r")" "$(median p99_ms "$r")"
  done
done
