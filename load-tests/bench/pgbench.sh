#!/usr/bin/env bash
# Usage: pgbench.sh SQL CONNECTIONS SECONDS
#
# One pgbench run (prepared protocol, no vacuum, over TCP) of the custom script SQL against a
# PostgreSQL on this host: PostgreSQL's own ceiling for the work a KVS request asks of it.
#   SQL          a pgbench script, e.g. pg/ceiling-select.sql (table from pg/ceiling-setup.sql)
#   CONNECTIONS  client connections, e.g. 64
#   SECONDS      duration in whole seconds (a trailing "s" is accepted)
# Env: PGDATABASE (required), PGHOST (default 127.0.0.1; only this host), PGPORT, PGUSER,
#      JOBS (pgbench threads; default: CONNECTIONS or the number of cores, whichever is less).
#
# stdout: exactly one line    rps=<n> p50_ms=<n> p99_ms=<n>
#   rps is pgbench's TPS (initial connection time excluded); the percentiles come from the
#   per-transaction log (-l), whose writing is part of what the clients do.
# stderr: one line            # transactions=.. failed=.. pgbench_cpu_cores=.. host_cpu_cores=..
# Exits non-zero, printing nothing on stdout, when pgbench reports errors or failed transactions.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ $# -ne 3 ]; then
  sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
SQL=$1 CONNECTIONS=$2 SECONDS_=${3%s}
CORES=$(nproc)
JOBS=${JOBS:-$(( CONNECTIONS < CORES ? CONNECTIONS : CORES ))}

command -v pgbench >/dev/null || die "pgbench is needed (apt-get install postgresql-contrib or postgresql-client)"
[ -f "$SQL" ] || die "no such pgbench script: $SQL"
[ -n "${PGDATABASE:-}" ] || die "set PGDATABASE to the database holding the ceiling table"
export PGHOST=${PGHOST:-127.0.0.1}
is_loopback_host "$PGHOST" || die "refusing PGHOST=$PGHOST: only a PostgreSQL on this host"

work=$(mktemp -d "${TMPDIR:-/tmp}/pgbench-run.XXXXXX")
trap 'rm -rf "$work"' EXIT
run_accounted "$work/out" timeout --kill-after=5 $(( SECONDS_ + 120 )) \
  pgbench -n -M prepared -c "$CONNECTIONS" -j "$JOBS" -T "$SECONDS_" -f "$SQL" -l --log-prefix="$work/tx"
if [ "$RUN_RC" -ne 0 ]; then
  cat "$work/out" >&2
  if grep -q 'too many clients' "$work/out"; then
    echo "# hint: the server's max_connections ($(psql -XAtc 'SHOW max_connections' 2>/dev/null || echo '?')) leaves no room for $CONNECTIONS more clients besides those already connected" >&2
  fi
  die "pgbench failed (exit status $RUN_RC)"
fi

tps=$(awk '$1 == "tps" && $2 == "=" { print $3; exit }' "$work/out")
failed=$(awk '/^number of failed transactions:/ { print $5; exit }' "$work/out")
[ -n "$tps" ] || { cat "$work/out" >&2; die "no tps in pgbench's output"; }

# Each log line: client_id transaction_no latency_us script_no epoch_s epoch_us; the latency
# field reads "failed" or "skipped" for transactions that did not complete.
cat "$work"/tx.* | awk '$3 ~ /^[0-9]+$/ { print $3 }' | sort -n >"$work/latencies"
count=$(wc -l <"$work/latencies")
[ "$count" -gt 0 ] || die "pgbench logged no completed transaction"
nth() { sed -n "${1}p" "$work/latencies"; }   # nearest-rank percentile: the ceil(p% * count)-th
rank() { awk -v n="$count" -v p="$1" 'BEGIN { r = int(n * p / 100); if (r < n * p / 100) r++; print (r < 1 ? 1 : r) }'; }
p50=$(nth "$(rank 50)")
p99=$(nth "$(rank 99)")

echo "# transactions=$count failed=${failed:-0} pgbench_cpu_cores=$RUN_CPU_CORES host_cpu_cores=$HOST_CPU_CORES (of $CORES)" >&2
if [ "${failed:-0}" != 0 ]; then
  echo "# ERROR: pgbench reports $failed failed transactions; no figure is printed" >&2
  exit 3
fi
awk -v r="$tps" -v a="$p50" -v b="$p99" 'BEGIN { printf "rps=%.0f p50_ms=%.3f p99_ms=%.3f\n", r, a / 1000, b / 1000 }'
