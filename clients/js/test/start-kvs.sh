# Sourced by test/with-kvs.sh and bench/compare.sh: starts KVS with authentication on, against
# the local PostgreSQL, on a database of its own, and exports KVS_TEST_* (address, namespace
# "js", a read+write and a read-only token, the admin token, psql URL and role of the database).
# KVS stops when the sourcing script exits.
#
# Env: KVS_JS_PORT (18282), KVS_JS_DB (kvs_js_client: the database, and the role KVS logs in as),
#      KVS_TEST_PG_URL (a superuser URL of the PostgreSQL server, as the root project's tests take;
#      default postgresql://$(whoami)@127.0.0.1:5432/postgres), KVS_JS_REBUILD=1 (rebuild the jar).
#
# KVS logs in as a role of its own, not a superuser, so that a test can refuse it connections
# (CONNECTION LIMIT 0 binds every role but superusers) and see the service answer 503.
JS=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
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
export KVS_TEST_TOKEN KVS_TEST_RO_TOKEN KVS_TEST_DB_URL=$ADMIN_DB_URL KVS_TEST_DB_ROLE=$ROLE

