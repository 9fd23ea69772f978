#!/usr/bin/env bash
# Whether the purge keeps up with writes of short-lived records: wrk writes new keys with a
# one-minute TTL (minutesToExpire 1) as fast as KVS takes them, for DURATION, with the purge at
# its defaults (a run every 60 s, going on while batches come back full). Every SAMPLE seconds it
# prints the rows stored, the expired rows waiting, the rows purged and the lag gauge.
#
# Usage: load-tests/bench/purge-ttl-writes.sh
# Env:   DURATION (300 s), SAMPLE (15 s), CONC (64), KVS_BENCH_DB (kvs_purge_ttl), PORT (18080),
#        KVS_JAR, EXTRA_ENV ("KVS_PURGE_INTERVAL_MS=10000 ..." for the service).
set -euo pipefail
cd "$(dirname "$0")/../.."
source load-tests/bench/lib.sh
DURATION=${DURATION:-300}; SAMPLE=${SAMPLE:-15}
KVS_BENCH_DB=${KVS_BENCH_DB:-kvs_purge_ttl}
bench_defaults
trap 'stop_loader; stop_service; cleanup_scratch' EXIT
trap 'exit 130' INT TERM
bench_prerequisites
ensure_database "$DB"

# shellcheck disable=SC2086
start_service "${TMPDIR:-/tmp}/kvs-purge-ttl.log" KVS_PURGE_ENABLED=true ${EXTRA_ENV:-}
sql "TRUNCATE kv"
out=$BENCH_TMP/wrk.out
TTL_MINUTES=1 RUN_ID=$(date +%s) "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-put-new.lua" "$CONC" "${DURATION}s" >"$out" 2>"$out.diag" &
LOADER_PID=$!
t0=$(date +%s)
printf '%6s %10s %10s %10s %8s\n' t_s stored expired purged lag_s
while kill -0 "$LOADER_PID" 2>/dev/null; do
  sleep "$SAMPLE"
  printf '%6d %10s %10s %10s %8s\n' $(( $(date +%s) - t0 )) "$(sql "SELECT count(*) FROM kv")" \
    "$(sql "SELECT count(*) FROM kv WHERE expired_at <= now()")" "$(metric kvs_purge_deleted_total | cut -d. -f1)" \
    "$(metric kvs_purge_lag_seconds)"
done
wait "$LOADER_PID" || { cat "$out.diag" >&2; die "the write load failed"; }
LOADER_PID=
echo "== $(nproc) cores, $CONC connections, ${DURATION} s of writes of new keys with a 1-minute TTL"
echo "writes: $(cat "$out") ($(sed 's/^# //' "$out.diag"))"
echo "purged: $(metric kvs_purge_deleted_total | cut -d. -f1) rows in $(metric kvs_purge_batches_total | cut -d. -f1) batches; expired rows waiting at the end: $(sql "SELECT count(*) FROM kv WHERE expired_at <= now()"), lag $(metric kvs_purge_lag_seconds) s"
