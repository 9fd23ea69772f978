#!/usr/bin/env bash
# The event bus against HTTP, in one run: KVS in clustered mode on loopback, and alternately
# wrk (HTTP) and BusBench.java (a consumer process in the same Vert.x cluster) driving GETs and
# PUTs of the same records, ROUNDS rounds, medians; then the change feed's delivery latency.
# The read cache is off, so every request reaches the database through either door.
#
# Usage: load-tests/bench/kvs-bus-vs-http.sh [ROUNDS] [DURATION_SECONDS] [FEED_RATE]   (defaults: 3 10 200)
# Env:   KEYS (100000 records, loaded here when missing), CONC (64), KVS_JAR (target/kvs.jar),
#        PORT (18080), KVS_BENCH_DB (kvs_bench), JAVA_HOME.
set -euo pipefail
cd "$(dirname "$0")/../.."
source load-tests/bench/lib.sh
ROUNDS=${1:-3}; SECS=${2:-10}; RATE=${3:-200}
bench_defaults
trap 'stop_service; cleanup_scratch' EXIT
trap 'exit 130' INT TERM
bench_prerequisites

ensure_database "$DB"
CLUSTER="KVS_CLUSTER_NAME=kvs-bench-$$ KVS_CLUSTER_HOST=127.0.0.1 KVS_CLUSTER_MEMBERS=127.0.0.1:15701,127.0.0.1:15702"
# shellcheck disable=SC2086
start_service "${TMPDIR:-/tmp}/kvs-bus-bench-$PORT.log" KVS_CACHE_ENABLED=false KVS_CLUSTER=hazelcast KVS_CLUSTER_PORT=15701 $CLUSTER
if [ "$(live_records)" -lt "$KEYS" ]; then
  load_records
fi

bus() { # MODE N SECONDS
  # shellcheck disable=SC2086
  # Its log (Hazelcast's member list, warnings) stays out of the result line on stdout.
  env $CLUSTER KVS_CLUSTER_PORT=15702 KVS_LOG_LEVEL=ERROR NS="$NS" KEYS="$KEYS" TTL_MINUTES="$TTL_MINUTES" \
    "$JAVA_HOME/bin/java" -cp "$KVS_JAR" "$BENCH_HOME/BusBench.java" "$@" 2>&1 |
    awk '/^(rps|p50_ms)=/ { print; next } /^# / { print > "/dev/stderr" }'
}

take warm-up "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" 10s
for round in $(seq 1 "$ROUNDS"); do
  vacuum_tables
  take get-http "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-get.lua" "$CONC" "${SECS}s"
  take get-bus bus get "$CONC" "$SECS"
  take put-http "$BENCH_HOME/wrk.sh" "$URL" "$BENCH_HOME/lua/kvs-put.lua" "$CONC" "${SECS}s"
  take put-bus bus write "$CONC" "$SECS"
  echo "round $round done"
done
take feed bus feed "$RATE" "$(( SECS * 2 ))"
stop_service

echo "== $(nproc) cores, $CONC in flight, ${SECS}s runs, median of $ROUNDS rounds; $KEYS keys, cache off, clustered mode"
for test in get put; do
  for door in http bus; do
    r=${RESULTS[$test-$door]}
    printf '%-4s %-5s rps=%s p50_ms=%s p99_ms=%s\n' "$test" "$door" "$(median rps "$r")" "$(median p50_ms "$r")" "$(median p99_ms "$r")"
  done
done
echo "change feed, $RATE writes/s, from the write's acknowledgement to the consumer: ${RESULTS[feed]}"
