#!/usr/bin/env bash
# Smoke test of the load tests, for CI: starts KVS on a spare port against the local PostgreSQL
# (a database of its own), runs the Gatling simulations for a few seconds each with a handful of
# users, and stops the service. Bounded (about a minute) and untimed: latency bounds are set out
# of reach, but every check still holds (no failed request, counters add up, pages in order).
#
# Usage: load-tests/smoke.sh [SimulationClass]     (default: all six, one after the other)
# Env:   KVS_SMOKE_PORT (18181), KVS_SMOKE_DB (kvs_load_smoke), KVS_TEST_PG_URL (a server to use
#        instead of the current user on 127.0.0.1:5432; the database is created on it)
set -euo pipefail
cd "$(dirname "$0")/.."
source .ci/jdk.sh
PORT=${KVS_SMOKE_PORT:-18181}
DB=${KVS_SMOKE_DB:-kvs_load_smoke}
SERVER_URL=${KVS_TEST_PG_URL:-postgresql://$(whoami)@127.0.0.1:5432/postgres}
LOG=load-tests/target/kvs-smoke.log

# CI has just built the jar (./mvnw verify); run by hand, SMOKE_REBUILD=1 builds it afresh.
if [ ! -f target/kvs.jar ] || [ -n "${SMOKE_REBUILD:-}" ]; then ./mvnw -q -B -DskipTests package; fi
psql "$SERVER_URL" -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1 ||
  psql -q "$SERVER_URL" -c "CREATE DATABASE $DB"

mkdir -p load-tests/target
# With authentication on, as a user runs it: a fresh admin token, then a namespace and a token for the load.
ADMIN_TOKEN="kvs_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
KVS_ADMIN_TOKEN=$ADMIN_TOKEN KVS_HTTP_PORT=$PORT KVS_DB_URL="${SERVER_URL%/*}/$DB" \
  "$JAVA_HOME/bin/java" -jar target/kvs.jar >"$LOG" 2>&1 &
KVS_PID=$!
trap 'kill "$KVS_PID" 2>/dev/null || true; wait "$KVS_PID" 2>/dev/null || true' EXIT
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null && break
  kill -0 "$KVS_PID" 2>/dev/null || { echo "KVS did not start:" >&2; cat "$LOG" >&2; exit 1; }
  sleep 0.5
done
curl -sf "http://127.0.0.1:$PORT/health/ready" >/dev/null || { echo "KVS not ready after 30 s" >&2; cat "$LOG" >&2; exit 1; }

admin() { curl -sf -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' "$@"; }
admin -X DELETE "http://127.0.0.1:$PORT/v1/admin/namespaces/smoke" >/dev/null || true # a previous run's
admin -X POST "http://127.0.0.1:$PORT/v1/admin/namespaces" -d '{"name": "smoke"}' >/dev/null
TOKEN=$(admin -X POST "http://127.0.0.1:$PORT/v1/admin/namespaces/smoke/tokens" -d '{"scopes": ["read", "write"]}' |
  sed -E 's/.*"token":"([^"]+)".*/\1/')

if [ $# -gt 0 ]; then
  which=(-Dgatling.simulationClass="dev.kvs.load.${1#dev.kvs.load.}")
else
  which=(-Dgatling.runMultipleSimulations=true)
fi
./mvnw -q -B -f load-tests/pom.xml gatling:test "${which[@]}" \
  -DbaseUrl="http://127.0.0.1:$PORT" -Dns=smoke -Dtoken="$TOKEN" -Dusers=4 -DrampSeconds=1 -DdurationSeconds=3 \
  -DhotKeys=100 -Dkeys=2000 -DwriteKeys=500 -DcontentionKeys=1 -DlistKeys=500 -DpageSize=50 \
  -DsessionTtlMs=2000 -DmaxErrorPercent=0 -Dp95Ms=60000 -Dp99Ms=60000
echo "load-test smoke run passed"
