#!/usr/bin/env bash
# Usage: wrk.sh URL LUA|- CONNECTIONS DURATION [THREADS]
#
# One wrk run (keep-alive, --latency) against a URL on this host.
#   LUA          a wrk script (for example lua/kvs-get.lua), or - for plain GETs of URL
#   CONNECTIONS  open connections, e.g. 64
#   DURATION     wrk's duration, e.g. 10s or 1m
#   THREADS      wrk threads; default: CONNECTIONS or the number of cores, whichever is less
# The environment reaches the Lua script (NS, KEYS, HOT, ...: see the script's header).
#
# stdout: exactly one line    rps=<n> p50_ms=<n> p99_ms=<n>
# stderr: one line            # requests=.. non2xx=.. socket_errors=.. wrk_cpu_cores=.. host_cpu_cores=..
#   wrk_cpu_cores is the CPU wrk itself used, host_cpu_cores what the whole host used (wrk, the
#   service and the database together), both averaged over the run, out of `nproc` cores.
# A run in which any response had a status of 400 or more prints nothing on stdout and exits 3,
# so that an endpoint answering errors cannot pass for a fast one (ALLOW_NON2XX=1 prints it anyway).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [ $# -lt 4 ] || [ $# -gt 5 ]; then
  sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//' >&2
  exit 2
fi
URL=$1 LUA=$2 CONNECTIONS=$3 DURATION=$4
CORES=$(nproc)
THREADS=${5:-$(( CONNECTIONS < CORES ? CONNECTIONS : CORES ))}

command -v wrk >/dev/null || die "wrk is needed (apt-get install wrk)"
host=$(printf '%s' "$URL" | sed -E 's#^http://(\[[^]]*\]|[^:/]*).*#\1#')
[[ "$URL" == http://* ]] && is_loopback_host "$host" || die "refusing a URL not on this host: $URL"

args=(--latency -t "$THREADS" -c "$CONNECTIONS" -d "$DURATION")
if [ "$LUA" != - ]; then
  [ -f "$LUA" ] || die "no such wrk script: $LUA"
  args+=(-s "$LUA")
fi

# wrk's own duration plus a generous margin; guards against a run that never ends.
seconds=$(awk -v d="$DURATION" 'BEGIN {
  n = d + 0; u = d; sub(/^[0-9.]+/, "", u)
  print int(n * (u == "m" ? 60 : u == "h" ? 3600 : 1)) + 60 }')

out=$(mktemp "${TMPDIR:-/tmp}/wrk-out.XXXXXX")
trap 'rm -f "$out"' EXIT
run_accounted "$out" timeout --kill-after=5 "$seconds" wrk "${args[@]}" "$URL"
if [ "$RUN_RC" -ne 0 ]; then
  cat "$out" >&2
  die "wrk failed (exit status $RUN_RC)"
fi

# wrk --latency output, the parts used here:
#     50%  812.00us              (Latency Distribution; units us, ms, s, m, h)
#     99%    5.12ms
#   123456 requests in 10.00s, 45.67MB read
#   Socket errors: connect 0, read 0, write 0, timeout 12
#   Non-2xx or 3xx responses: 7   (wrk counts statuses >= 400 here)
#   Requests/sec:  12345.67
read -r rps p50 p99 requests non2xx sockerr < <(awk '
  function in_ms(s,   unit) {
    unit = s; sub(/^[0-9.]+/, "", unit)
    if (unit == "us") return s / 1000
    if (unit == "ms") return s + 0
    if (unit == "s")  return s * 1000
    if (unit == "m")  return s * 60000
    if (unit == "h")  return s * 3600000
    return -1
  }
  $1 == "50%" { p50 = in_ms($2) }
  $1 == "99%" { p99 = in_ms($2) }
  $2 == "requests" && $3 == "in" { requests = $1 }
  $1 == "Socket" && $2 == "errors:" { for (i = 3; i <= NF; i++) { v = $i; sub(/,$/, "", v); if (v ~ /^[0-9]+$/) sock += v } }
  /^ *Non-2xx or 3xx responses:/ { non2xx = $NF }
  $1 == "Requests/sec:" { rps = $2 }
  END { print (rps == "" ? "-" : rps), (p50 == "" ? "-" : p50), (p99 == "" ? "-" : p99), requests + 0, non2xx + 0, sock + 0 }
' "$out")

if [ "$rps" = - ] || [ "$p50" = - ] || [ "$p99" = - ] || [ "$requests" -eq 0 ]; then
  cat "$out" >&2
  die "no completed requests in wrk's output"
fi

echo "# requests=$requests non2xx=$non2xx socket_errors=$sockerr wrk_cpu_cores=$RUN_CPU_CORES host_cpu_cores=$HOST_CPU_CORES (of $CORES)" >&2
if [ "$non2xx" -gt 0 ] && [ -z "${ALLOW_NON2XX:-}" ]; then
  echo "# ERROR: $non2xx of $requests responses had a status >= 400; no figure is printed (ALLOW_NON2XX=1 to print it)" >&2
  exit 3
fi
awk -v r="$rps" -v a="$p50" -v b="$p99" 'BEGIN { printf "rps=%.0f p50_ms=%.3f p99_ms=%.3f\n", r, a, b }'
