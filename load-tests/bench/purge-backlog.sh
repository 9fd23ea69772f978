#!/usr/bin/env bash
# Drains a purge backlog the planner does not know about while KVS serves reads, and prints a
# timeline: rows purged, the lag gauge, and the serving figures of each window.
#
# The table gets ROWS records (k0..), every (ROWS / EXPIRING)-th of them expiring EXPIRE_IN_S
# seconds after the load began; ANALYZE runs before they expire and autovacuum is off for the
# table during the run, so the statistics believe nothing has expired (the normal case: they
# never know about rows that expired since the last ANALYZE). Then KVS starts with its purge on
# and random GETs over all ROWS keys run in WINDOW-long wrk windows until the backlog is gone.
#
# Usage: load-tests/bench/purge-backlog.sh
# Env:   ROWS (10000000), EXPIRING (1000000), EXPIRE_IN_S (240), WINDOW (10s), CONC (64),
#        KVS_BENCH_DB (kvs_purge_bench), PORT (18080), KVS_JAR, PURGE_INTERVAL_MS (5000),
#        SKIP_LOAD=1 to keep the table (only when its rows have not been purged yet).
set -euo pipefail
cd "$(dirname "$0")/../.."
source load-tests/bench/lib.sh
ROWS=${ROWS:-10000000}; EXPIRING=${EXPIRING:-1000000}; EXPIRE_IN_S=${EXPIRE_IN_S:-240}
WINDOW=${WINDOW:-10s}; PURGE_INTERVAL_MS=${PURGE_INTERVAL_MS:-5000}
KVS_BENCH_DB=${KVS_BENCH_DB:-kvs_purge_bench}
bench_defaults
export KEYS=$ROWS
trap 'stop_service; psql -qd "$DB" -c "ALTER TABLE kv RESET (autovacuum_enabled)" >/dev/null 2>&1 || true; cleanup_scratch' EXIT
trap 'exit 130' INT TERM
bench_prerequisites
ensure_database "$DB"

# The service creates the schema.
start_service "$BENCH_TMP/kvs-setup.log"
stop_service

if [ -z "${SKIP_LOAD:-}" ]; then
  echo "loading $ROWS rows, $EXPIRING of them expiring in ${EXPIRE_IN_S}s ..."
  started=$(date +%s)
  sql "ALTER TABLE kv SET (autovacuum_enabled = false)"
  sql "TRUNCATE kv"
  sql "INSERT INTO kv (ns, key, value, metadata, created_at, expired_at)
       SELECT '$NS', 'k' || i, '{\"payload\":\"' || repeat('x', 150) || '\",\"n\":1}', NULL, now() - interval '1 hour',
              CASE WHEN i % ($ROWS / $EXPIRING) = 0 THEN now() + interval '$EXPIRE_IN_S seconds'
                   ELSE now() + interval '30 days' END
       FROM generate_series(0, $ROWS - 1) AS i"
  sql "ANALYZE kv"
  echo "loaded and analysed in $(( $(date +%s) - started )) s"
else
  sql "ALTER TABLE kv SET (autovacuum_enabled = false)"
fi
[ "$(sql "SELECT count(*) FROM kv WHERE expired_at <= now()")" = 0 ] ||
  die "rows expired before ANALYZE ran: raise EXPIRE_IN_S"
echo "table: $(sql "SELECT pg_size_pretty(pg_total_relation_size('kv'))"); waiting for the backlog to expire ..."
until [ "$(sql "SELECT count(*) FROM kv WHERE expired_at <= now()")" -ge "$EXPIRING" ]; do sleep 5; done
echo "backlog: $(sql "SELECT count(*) FROM kv WHERE expired_at <= now()") expired rows the statistics do not know of"

window() { # label
  local line
  # A tenth of the keys are expired: their 404s are expected answers.
  line=$(ALLOW_NON2XX=1 "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" "$WINDOW" 2>/dev/null) ||
    die "a GET window failed"
  printf '%s %s' "$1" "$line"
}

echo "== serving without the purge (baseline)"
start_service "$BENCH_TMP/kvs-baseline.log"
window "warm-up" >/dev/null
for i in 1 2; do echo "$(window "baseline-$i")"; done
stop_service

echo "== serving while the purge drains the backlog (interval ${PURGE_INTERVAL_MS} ms, batch ${KVS_PURGE_BATCH_SIZE:-1000})"
start_service "${TMPDIR:-/tmp}/kvs-purge-backlog.log" KVS_PURGE_ENABLED=true KVS_PURGE_INTERVAL_MS="$PURGE_INTERVAL_MS"
t0=$(date +%s); drained_at=
for i in $(seq 1 200); do
  line=$(window "t=$(( $(date +%s) - t0 ))s")
  deleted=$(metric kvs_purge_deleted_total); deleted=${deleted%.*}; deleted=${deleted:-0}
  lag=$(metric kvs_purge_lag_seconds)
  echo "$line purged=$deleted lag_s=${lag:-?}"
  if [ "$deleted" -ge "$EXPIRING" ]; then drained_at=$(( $(date +%s) - t0 )); break; fi
done
left=$(sql "SELECT count(*) FROM kv WHERE expired_at <= now()")
echo "== $(nproc) cores; $ROWS rows, $EXPIRING expired after the last ANALYZE; GETs over all keys, $CONC connections"
echo "drained: purged=$(metric kvs_purge_deleted_total) in ${drained_at:-more than the windows ran} s (batches=$(metric kvs_purge_batches_total)), expired rows left=$left, lag now=$(metric kvs_purge_lag_seconds) s"
