#!/usr/bin/env bash
# Every check of the JS client, against a real KVS with authentication on:
#   npm ci -> typecheck (tsc on test/types-sample.ts) -> KVS started here on its own database ->
#   node --test test/*.test.mjs -> npm pack, installed and used in an empty project -> KVS stopped.
#
# Usage: clients/js/test/with-kvs.sh [extra node --test arguments, e.g. --test-name-pattern=retry]
# Env:   KVS_JS_PORT (18282), KVS_JS_DB (kvs_js_client: the database, and the role KVS logs in as),
#        KVS_TEST_PG_URL (a superuser URL of the PostgreSQL server, as the root project's tests take;
#        default postgresql://$(whoami)@127.0.0.1:5432/postgres), KVS_JS_REBUILD=1 (rebuild the jar),
#        KVS_JS_START_ONLY=1 (start KVS, print the test environment, wait until Ctrl-C).
#
# KVS logs in as a role of its own, not a superuser, so that a test can refuse it connections
# (CONNECTION LIMIT 0 binds every role but superusers) and see the service answer 503.
set -euo pipefail
JS=$(cd "$(dirname "$0")/.." && pwd)
ROOT=$(cd "$JS/../.." && pwd)
PORT=${KVS_JS_PORT:-18282}
DB=${KVS_JS_DB:-kvs_js_client}
ROLE=$DB
SERVER_URL=${KVS_TEST_PG_URL:-postgresql://$(whoami)@127.0.0.1:5432/postgres}
HOSTPORT=$(sed -E 's#^postgres(ql)?://([^@/]*@)?([^/?]*).*#\3#' <<<"$SERVER_URL")
ADMIN_DB_URL="${SERVER_URL%/*}/$DB"  # the superuser, on the test database (for row locks)
LOG="$JS/test/kvs.log"

cd "$ROOT"
source .ci/jdk.sh
if [ ! -f target/kvs.jar ] || [ -n "${KVS_JS_REBUILD:-}" ]; then ./mvnw -q -B -DskipTests package; fi

# A fresh database owned by the test role (the role survives runs; its limit is reset).
psql -q -v ON_ERROR_STOP=1 "$SERVER_URL" <<SQL
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE') THEN
    CREATE ROLE $ROLE LOGIN PASSWORD '$ROLE';
  END IF;
END \$\$;
ALTER ROLE $ROLE CONNECTION LIMIT -1;
DROP DATABASE IF EXISTS $DB WITH (FORCE);
CREATE DATABASE $DB OWNER $ROLE;
SQL

ADMIN_TOKEN="kvs_$(head -c 32 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=')"
# Short lock timeout: a test holds a row lock and expects 409 within half a second.
KVS_ADMIN_TOKEN=$ADMIN_TOKEN KVS_HTTP_PORT=$PORT KVS_HTTP_HOST=127.0.0.1 \
  KVS_DB_URL="postgresql://$ROLE:$ROLE@$HOSTPORT/$DB" KVS_DB_LOCK_TIMEOUT_MS=500 \
  "$JAVA_HOME/bin/java" -jar target/kvs.jar >"$LOG" 2>&1 &
KVS_PID=$!
trap 'kill "$KVS_PID" 2>/dev/null || true; wait "$KVS_PID" 2>/dev/null || true;
      psql -q "$SERVER_URL" -c "ALTER ROLE $ROLE CONNECTION LIMIT -1" >/dev/null 2>&1 || true' EXIT
BASE="http://127.0.0.1:$PORT"
for _ in $(seq 1 120); do
  curl -sf "$BASE/health/ready" >/dev/null && break
  kill -0 "$KVS_PID" 2>/dev/null || { echo "KVS did not start:" >&2; cat "$LOG" >&2; exit 1; }
  sleep 0.5
done
curl -sf "$BASE/health/ready" >/dev/null || { echo "KVS not ready after 60 s" >&2; cat "$LOG" >&2; exit 1; }

admin() { curl -sf -H "Authorization: Bearer $ADMIN_TOKEN" -H 'Content-Type: application/json' "$@"; }
secret() { sed -E 's/.*"token":"([^"]+)".*/\1/'; }
admin -X POST "$BASE/v1/admin/namespaces" -d '{"name": "js"}' >/dev/null
export KVS_TEST_URL=$BASE KVS_TEST_NS=js KVS_TEST_ADMIN_TOKEN=$ADMIN_TOKEN
KVS_TEST_TOKEN=$(admin -X POST "$BASE/v1/admin/namespaces/js/tokens" -d '{"scopes": ["read", "write"]}' | secret)
KVS_TEST_RO_TOKEN=$(admin -X POST "$BASE/v1/admin/namespaces/js/tokens" -d '{"scopes": ["read"]}' | secret)
export KVS_TEST_TOKEN KVS_TEST_RO_TOKEN KVS_TEST_PG_URL=$ADMIN_DB_URL KVS_TEST_DB_ROLE=$ROLE

if [ -n "${KVS_JS_START_ONLY:-}" ]; then
  env | grep '^KVS_TEST_' | sed 's/^/export /'
  echo "KVS on $BASE (log $LOG); Ctrl-C stops it" >&2
  wait "$KVS_PID"
  exit 0
fi

cd "$JS"
npm ci --no-audit --no-fund --loglevel=error
npm run --silent typecheck
# One file at a time: the 503 test refuses the service its database for a moment.
node --test --test-concurrency=1 "$@" test/*.test.mjs
test/pack-check.sh
echo "JS client: all checks passed"
