#!/usr/bin/env bash
# What authentication costs on the request path: GETs and PUTs with authentication on (a data
# token, checked from the process's cache) and off, alternated over ROUNDS rounds; medians. The
# service is restarted for each mode and warmed up for 10 s; the read cache is off, so every
# request reaches the database in both modes.
#
# Usage: load-tests/bench/kvs-auth-on-off.sh [ROUNDS] [DURATION]     (defaults: 3 10s)
# Env:   KEYS (100000 records, loaded here when missing, as kvs-vs-ceiling.sh does),
#        CONC (64), KVS_JAR (target/kvs.jar), PORT (18080), KVS_BENCH_DB (kvs_bench), JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
source load-tests/bench/lib.sh
ROUNDS=${1:-3}; DUR=${2:-10s}
bench_defaults
trap 'stop_service; cleanup_scratch' EXIT
trap 'exit 130' INT TERM
bench_prerequisites

ensure_database "$DB"
if [ "$(live_records)" -lt "$KEYS" ]; then
  start_service "${TMPDIR:-/tmp}/kvs-auth-bench-$PORT.log"
  load_records
  stop_service
fi

ADMIN_TOKEN="kvs_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
admin() { curl -sf -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' "$@"; }

start_kvs() { # on|off
  stop_service
  if [ "$1" = on ]; then
    start_service "${TMPDIR:-/tmp}/kvs-auth-bench-$PORT.log" KVS_CACHE_ENABLED=false KVS_AUTH=on KVS_ADMIN_TOKEN="$ADMIN_TOKEN"
    # The namespace exists already when the records were loaded with authentication off.
    admin -X POST "$URL/v1/admin/namespaces" -d "{\"name\": \"$NS\"}" >/dev/null 2>&1 || true
    TOKEN=$(admin -X POST "$URL/v1/admin/namespaces/$NS/tokens" -d '{"scopes": ["read", "write"]}' |
      sed -E 's/.*"token":"([^"]+)".*/\1/')
  else
    start_service "${TMPDIR:-/tmp}/kvs-auth-bench-$PORT.log" KVS_CACHE_ENABLED=false
    TOKEN=
  fi
  export TOKEN
  take "warm-up-$1" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" 10s
  code=$(curl -s -o /dev/null -w '%{http_code}' ${TOKEN:+-H "Authorization: Bearer $TOKEN"} "$URL/v1/ns/$NS/kv/k1")
  [ "$code" = 200 ] || die "a GET with auth $1 answered $code, not 200"
}

for round in $(seq 1 "$ROUNDS"); do
  for mode in on off; do
    start_kvs "$mode"
    take "get-$mode" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" "$DUR"
    take "put-$mode" "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-put.lua" "$CONC" "$DUR"
  done
  echo "round $round done"
done
stop_service

echo "== $(nproc) cores, $CONC connections, $DUR runs, median of $ROUNDS rounds; $KEYS keys, cache off"
for test in get put; do
  for mode in on off; do
    r=${RESULTS[$test-$mode]}
    printf '%-4s auth=%-3s rps=%s p50_ms=%s p99_ms=%s\n' "$test" "$mode" "$(median rps "$r")" "$(median p50_ms "$r")" "$(median p99_ms "$r")"
  done
done
