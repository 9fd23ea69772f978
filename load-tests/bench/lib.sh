# Helpers sourced by the scripts in load-tests/bench; not meant to be run on its own.
# Everything the benchmark needs lives in this directory: no file outside the repository is read.

BENCH_HOME=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() { echo "$(basename "$0"): $*" >&2; exit 1; }

# ---------------------------------------------------------------------------------------------
# CPU accounting (Linux /proc).

# Prints "<busy> <total>" jiffies of the whole host since boot; busy leaves out idle, iowait
# and steal (time the hypervisor gave to someone else is not work done here).
host_jiffies() {
  awk '$1 == "cpu" { print $2 + $3 + $4 + $7 + $8, $2 + $3 + $4 + $5 + $6 + $7 + $8 + $9; exit }' /proc/stat
}

# run_accounted OUTFILE COMMAND...
# Runs COMMAND with stdout and stderr going to OUTFILE, and sets:
#   RUN_RC          its exit status (the caller is not stopped by set -e)
#   RUN_CPU_CORES   CPU used by COMMAND and everything it started, in cores averaged over the run
#   HOST_CPU_CORES  CPU used by the whole host over the same span (COMMAND included), in cores
run_accounted() {
  local out=$1; shift
  local busy0 total0 busy1 total1 ns0 ns1 rc ticks
  read -r busy0 total0 < <(host_jiffies)
  ns0=$(date +%s%N)
  # The subshell waits for COMMAND, so its own cutime + cstime (fields 16 and 17 of
  # /proc/<pid>/stat) are then exactly COMMAND's CPU time, children included.
  read -r rc ticks < <(
    if "$@" >"$out" 2>&1; then rc=0; else rc=$?; fi
    read -r -a stat <"/proc/$BASHPID/stat"
    echo "$rc $(( stat[15] + stat[16] ))"
  )
  ns1=$(date +%s%N)
  read -r busy1 total1 < <(host_jiffies)
  RUN_RC=$rc
  RUN_CPU_CORES=$(awk -v t="$ticks" -v hz="$(getconf CLK_TCK)" -v ns=$(( ns1 - ns0 )) \
    'BEGIN { printf "%.2f", (ns > 0 ? (t / hz) / (ns / 1e9) : 0) }')
  HOST_CPU_CORES=$(awk -v b=$(( busy1 - busy0 )) -v t=$(( total1 - total0 )) -v n="$(nproc)" \
    'BEGIN { printf "%.2f", (t > 0 ? n * b / t : 0) }')
}

# ---------------------------------------------------------------------------------------------
# Loopback guard: these drivers saturate what they point at, so they only point at this host.

is_loopback_host() {
  case "$1" in
    127.*|localhost|::1|'[::1]') return 0 ;;
    *) return 1 ;;
  esac
}

# ---------------------------------------------------------------------------------------------
# Used by the two orchestrating scripts (kvs-vs-ceiling.sh, cache-on-off.sh).

# Settings common to both orchestrators, from the environment.
bench_defaults() {
  CONC=${CONC:-64}
  KEYS=${KEYS:-100000}
  NS=${NS:-bench}
  PORT=${PORT:-18080}
  URL=http://127.0.0.1:$PORT
  DB=${KVS_BENCH_DB:-kvs_bench}
  KVS_JAR=${KVS_JAR:-target/kvs.jar}
  TTL_MINUTES=${TTL_MINUTES:-10080}
  export PGHOST=127.0.0.1 PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-$(whoami)}
  export KEYS NS TTL_MINUTES
  # scratch files of this run; the caller's EXIT trap removes it (cleanup_scratch)
  BENCH_TMP=$(mktemp -d "${TMPDIR:-/tmp}/kvs-bench.XXXXXX")
}

cleanup_scratch() { [ -z "${BENCH_TMP:-}" ] || rm -rf "$BENCH_TMP"; }

# Makes sure the service jar exists (builds target/kvs.jar only when it is the one asked for)
# and that java, wrk and psql are at hand. Run from the repository root.
bench_prerequisites() {
  command -v wrk >/dev/null || die "wrk is needed (apt-get install wrk)"
  command -v psql >/dev/null || die "psql is needed (apt-get install postgresql-client)"
  command -v curl >/dev/null || die "curl is needed"
  if [ ! -f "$KVS_JAR" ]; then
    [ "$KVS_JAR" = target/kvs.jar ] || die "KVS_JAR=$KVS_JAR does not exist"
    ./mvnw -q -B package -DskipTests
  fi
  if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
    # shellcheck source=../../.ci/jdk.sh
    source .ci/jdk.sh >/dev/null
  fi
}

# sql STATEMENT: runs it in database DB, unaligned output (one value per line).
sql() { psql -qAt -d "$DB" -c "$1"; }

# metric NAME: the value of an unlabelled metric of the running service (e.g. kvs_purge_deleted_total).
metric() { curl -s "$URL/metrics" | awk -v m="$1" '$1 == m { print $2; exit }'; }

ensure_database() {
  local exists
  exists=$(psql -d postgres -Atc "SELECT 1 FROM pg_database WHERE datname = '$1'")
  [ "$exists" = 1 ] || createdb "$1"
}

# Live records k0..k(KEYS-1) of namespace NS in database DB that stay live for at least an hour.
live_records() {
  psql -d "$DB" -Atc "SELECT count(*) FROM kv JOIN generate_series(0, $KEYS - 1) AS g(i)
                      ON kv.ns = '$NS' AND kv.key = 'k' || g.i
                      WHERE kv.expired_at > now() + interval '1 hour'" 2>/dev/null || echo 0
}

# Vacuums the tables the runs write to: a PostgreSQL with autovacuum off (as on this project's
# CI machine) would otherwise carry every earlier run's dead rows into the next one's figures.
vacuum_tables() {
  local table
  for table in kv kv_changes; do
    psql -qd "$DB" -c "VACUUM (ANALYZE) $table" 2>/dev/null || true
  done
}

SERVICE_PID=
SERVICE_LOG=
# start_service LOGFILE [NAME=VALUE ...]: starts KVS on PORT against database DB, with purge off
# and the extra environment given, and waits until it answers /health/ready.
start_service() {
  SERVICE_LOG=$1; shift
  if curl -s -o /dev/null "$URL/health/live"; then
    die "something already answers on port $PORT: choose another PORT"
  fi
  # Authentication off unless the caller passes KVS_AUTH=on (and KVS_ADMIN_TOKEN): the benchmarks
  # measure the data path; kvs-auth-on-off.sh measures what authentication adds.
  env KVS_HTTP_PORT="$PORT" PGDATABASE="$DB" KVS_PURGE_ENABLED=false KVS_AUTH=off "$@" \
    "$JAVA_HOME/bin/java" -jar "$KVS_JAR" >"$SERVICE_LOG" 2>&1 &
  SERVICE_PID=$!
  local _
  for _ in $(seq 1 120); do
    if curl -sf -o /dev/null "$URL/health/ready"; then return 0; fi
    kill -0 "$SERVICE_PID" 2>/dev/null || { tail -n 30 "$SERVICE_LOG" >&2; SERVICE_PID=; die "the service exited at start-up (log above)"; }
    sleep 0.5
  done
  tail -n 30 "$SERVICE_LOG" >&2
  die "the service was not ready after 60 s (log: $SERVICE_LOG)"
}

stop_service() {
  if [ -n "$SERVICE_PID" ]; then
    kill "$SERVICE_PID" 2>/dev/null || true
    wait "$SERVICE_PID" 2>/dev/null || true
    SERVICE_PID=
  fi
}

LOADER_PID=
stop_loader() {
  if [ -n "$LOADER_PID" ]; then
    kill "$LOADER_PID" 2>/dev/null || true
    wait "$LOADER_PID" 2>/dev/null || true
    LOADER_PID=
  fi
}

# Writes k0..k(KEYS-1) into namespace NS through the running service, LOAD_CONNS connections
# (default 8) each owning every LOAD_CONNS-th key. wrk only ends when its duration is over, so
# the loader script prints one line per finished thread and wrk is stopped once all are in.
load_records() {
  local conns=${LOAD_CONNS:-8} timeout=${LOAD_TIMEOUT:-1800} out=$BENCH_TMP/load.out started
  started=$(date +%s)
  # Created here, not by wrk's redirection (which happens in the background job, maybe after the
  # first poll): the poll below always reads an existing file.
  : >"$out"
  LOAD_THREADS=$conns wrk -t "$conns" -c "$conns" -d "${timeout}s" -s "$BENCH_HOME/lua/kvs-load.lua" "$URL" >"$out" 2>&1 &
  LOADER_PID=$!
  until [ "$(grep -c '^kvs-load: thread .* finished' "$out")" -ge "$conns" ]; do
    if ! kill -0 "$LOADER_PID" 2>/dev/null; then
      cat "$out" >&2; LOADER_PID=
      die "the loader stopped before all records were written"
    fi
    [ $(( $(date +%s) - started )) -lt "$timeout" ] || die "loading took more than ${timeout}s"
    sleep 1
  done
  stop_loader
  local live; live=$(live_records)
  [ "$live" -ge "$KEYS" ] || die "only $live of $KEYS records are live after loading"
  echo "loaded $KEYS records in $(( $(date +%s) - started )) s"
}

# Makes the table hold exactly records k0..k(KEYS-1) of namespace NS (the ~170-byte value of
# lua/kvs-load.lua, live for 30 days), written by one INSERT, with an empty change log: every
# sitting starts from the same compact table, whatever earlier runs left (new keys, dead rows,
# millions of change-log rows). A table grown to gigabytes by earlier sittings no longer fits
# PostgreSQL's buffers and makes every figure worse, the ceiling's small table untouched.
# Needs the schema, i.e. a service started once against DB; only for a database of its own.
fresh_records() {
  local started; started=$(date +%s)
  sql "TRUNCATE kv, kv_changes"
  sql "INSERT INTO kv (ns, key, value, metadata, created_at, expired_at)
       SELECT '$NS', 'k' || i, '{\"payload\":\"' || repeat('x', 150) || '\",\"n\":' || i || '}', NULL,
              date_trunc('milliseconds', now()), date_trunc('milliseconds', now()) + interval '30 days'
       FROM generate_series(0, $KEYS - 1) AS i"
  sql "INSERT INTO namespaces (name) VALUES ('$NS') ON CONFLICT DO NOTHING"
  sql "VACUUM (ANALYZE) kv"
  echo "wrote $KEYS fresh records into $DB in $(( $(date +%s) - started )) s" >&2
}

# take NAME COMMAND...: runs one driver (wrk.sh or pgbench.sh), appends its result line to
# RESULTS[NAME] and prints its diagnostic line on stderr, tagged with NAME. A failing driver
# (non-2xx responses, pgbench errors) stops the whole benchmark with the driver's message.
declare -A RESULTS
take() {
  local name=$1; shift
  local diag=$BENCH_TMP/diag line
  if line=$("$@" 2>"$diag"); then
    RESULTS[$name]+="$line"$'\n'
    sed "s/^/  $name: /" "$diag" >&2
  else
    sed "s/^/  $name: /" "$diag" >&2
    [ -z "$SERVICE_LOG" ] || echo "  (service log: $SERVICE_LOG)" >&2
    die "the $name run failed"
  fi
}

# median FIELD LINES: the median of FIELD=<n> over LINES (mean of the middle two for an even count),
# printed with no decimals for rps and three for latencies.
median() {
  printf '%s' "$2" | tr ' ' '\n' | sed -n "s/^$1=//p" | sort -g |
    awk -v field="$1" '{ v[NR] = $1 }
      END {
        if (NR == 0) { print "n/a"; exit }
        m = int((NR + 1) / 2); x = (NR % 2) ? v[m] : (v[m] + v[m + 1]) / 2
        printf (field == "rps" ? "%.0f\n" : "%.3f\n"), x
      }'
}
