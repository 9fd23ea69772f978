#!/usr/bin/env bash
# Every check of the JS client, against a real KVS with authentication on:
#   npm ci -> typecheck (tsc on test/types-sample.ts) -> KVS started here on its own database ->
#   node --test test/*.test.mjs -> npm pack, installed and used in an empty project -> KVS stopped.
#
# Usage: clients/js/test/with-kvs.sh [extra node --test arguments, e.g. --test-name-pattern=retry]
# Env:   as test/start-kvs.sh (KVS_JS_PORT, KVS_JS_DB, KVS_TEST_PG_URL, KVS_JS_REBUILD), and
#        KVS_JS_START_ONLY=1: start KVS, print the test environment, wait until Ctrl-C.
set -euo pipefail
source "$(dirname "$0")/start-kvs.sh"

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
