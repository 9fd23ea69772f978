#!/usr/bin/env bash
# The client's GET throughput against wrk's on the same endpoint, in one run: starts KVS (as the
# tests do, test/start-kvs.sh), then alternates bench.mjs through the client, bench.mjs with bare
# fetch (the baseline of Node's HTTP stack) and wrk, ROUNDS times each, 64 connections, SECONDS_EACH each. wrk sends the same request the client sends (GET, Bearer token).
#
# Usage: clients/js/bench/compare.sh        Env: SECONDS_EACH (10), ROUNDS (2), WRK_THREADS (2)
set -euo pipefail
source "$(dirname "$0")/../test/start-kvs.sh"
cd "$JS"
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
D=${SECONDS_EACH:-10}
ROUNDS=${ROUNDS:-2}
URL="$KVS_TEST_URL/v1/ns/$KVS_TEST_NS/kv/bench"
echo "machine: $(nproc) cores, $(uname -sr), node $(node -v), $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2); KVS and the load generator share it"

load() { echo "load average $(cut -d' ' -f1-3 /proc/loadavg)"; }
for round in $(seq 1 "$ROUNDS"); do
  echo "round $round: $(load)"
  BENCH_SECONDS=$D node bench/bench.mjs client | head -1
  BENCH_SECONDS=$D node bench/bench.mjs fetch | head -1
  # wrk: 64 connections over WRK_THREADS threads, 2 s warm-up run first (not reported).
  wrk -t"${WRK_THREADS:-2}" -c64 -d2s -H "Authorization: Bearer $KVS_TEST_TOKEN" "$URL" >/dev/null
  out=$(wrk -t"${WRK_THREADS:-2}" -c64 -d"${D}s" --latency -H "Authorization: Bearer $KVS_TEST_TOKEN" "$URL")
  rps=$(awk '/Requests\/sec/ {printf "%d", $2}' <<<"$out")
  p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
  p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
  non2xx=$(awk '/Non-2xx/ {print $NF}' <<<"$out")
  echo "wrk:         $rps req/s, p50 $p50, p99 $p99 (non-2xx: ${non2xx:-0}, 64 connections, ${D} s)"
done
echo "after: $(load)"
