#!/usr/bin/env bash
# Attacks a local KVS the way hostile or careless clients do (broken escapes, garbage, CORS simple
# requests, early closes, idle and slow connections, oversize requests, churn, h2c) while a normal
# client measures its latency; one row of figures per attack. See ABUSE.md.
#
# Usage: load-tests/bench/abuse.sh [SECONDS_PER_ATTACK]        (default 10)
# Env:   KVS_JAR (target/kvs.jar), PORT (18480), KVS_ABUSE_DB (kvs_abuse, created if missing),
#        KVS_ABUSE_LOG (/tmp/kvs-abuse-$PORT.log), ATTACKS (all, or e.g. 1,2,5),
#        KVS_JAVA_OPTS (JVM options of the service, e.g. -Xmx256m to hold it to a small heap),
#        PGHOST (127.0.0.1), PGPORT (5432), PGUSER (current user), PGPASSWORD
# Exit:  non-zero when any 5xx was seen or the service died.
set -euo pipefail
cd "$(dirname "$0")/../.."
SECS=${1:-10}
PORT=${PORT:-18480}
DB=${KVS_ABUSE_DB:-kvs_abuse}
JAR=${KVS_JAR:-target/kvs.jar}
LOG=${KVS_ABUSE_LOG:-/tmp/kvs-abuse-$PORT.log}
URL=http://127.0.0.1:$PORT
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-$(whoami)}
source .ci/jdk.sh >/dev/null

[ -f "$JAR" ] || { echo "no jar at $JAR: build it (./mvnw -q package -DskipTests) or set KVS_JAR" >&2; exit 1; }
if curl -s -o /dev/null --max-time 2 "$URL/health/live"; then
  echo "something already answers on port $PORT: set PORT to a free one" >&2
  exit 1
fi
if [ "$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
  psql -d postgres -qc "CREATE DATABASE \"$DB\"" >/dev/null
fi

KVS_PID=
stop_kvs() {
  if [ -n "$KVS_PID" ]; then
    kill "$KVS_PID" 2>/dev/null || true
    wait "$KVS_PID" 2>/dev/null || true
  fi
  KVS_PID=
}
trap stop_kvs EXIT
trap 'exit 130' INT TERM
kvs_alive() { [ -r "/proc/$KVS_PID/status" ] && ! grep -q '^State:[[:space:]]*[ZX]' "/proc/$KVS_PID/status"; }

# Authentication off: the attacks aim at what comes before it (parsing, limits, connections), which
# garbage must reach; with it on, most requests would stop at 401. See ABUSE.md.
env -u KVS_DB_URL KVS_HTTP_PORT="$PORT" KVS_HTTP_HOST=127.0.0.1 PGDATABASE="$DB" \
  KVS_PURGE_ENABLED=false KVS_AUTH=off \
  "$JAVA_HOME/bin/java" ${KVS_JAVA_OPTS:-} -jar "$JAR" >"$LOG" 2>&1 &
KVS_PID=$!
for _ in $(seq 1 120); do
  curl -sf -o /dev/null --max-time 2 "$URL/health/ready" && break
  kvs_alive || { echo "KVS exited while starting; its log ($LOG):" >&2; tail -20 "$LOG" >&2; exit 1; }
  sleep 0.5
done
curl -sf -o /dev/null --max-time 2 "$URL/health/ready" || { echo "KVS not ready after 60 s; log: $LOG" >&2; exit 1; }
echo "KVS $JAR pid $KVS_PID on $URL, database $DB, log $LOG"

rc=0
"$JAVA_HOME/bin/java" load-tests/bench/Abuse.java "$URL" "$KVS_PID" "$LOG" "$SECS" "${ATTACKS:-all}" || rc=$?
if ! kvs_alive; then
  echo "KVS is no longer running (see $LOG)" >&2
  KVS_PID=
  [ "$rc" -ne 0 ] || rc=2
fi
exit "$rc"
