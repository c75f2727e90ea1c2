#!/usr/bin/env bash
# Installs what is missing, then runs every test (unit, integration, red team, end to end).
# PostgreSQL (the pg-boss queue's tests) comes from scripts/postgres.sh: the server already on
# 127.0.0.1:5432, or a throwaway cluster it starts; a database made for this run, dropped at exit.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
. scripts/postgres.sh
trap gradlab_pg_drop_test_db EXIT
npm run typecheck
npm run typecheck:app
# By default every file runs one at a time (`npm test`). GRADLAB_TEST_LANES=2 runs two lanes at
# once (vitest.config.ts): "heavy" (files that keep the CPU busy or time leases, one at a time)
# beside "main" (the rest); the heavy lane's report follows the main lane's; either failing fails
# the run. Not the default: its gain is not yet measured on an idle machine.
if [ "${GRADLAB_TEST_LANES:-1}" != 2 ]; then
  npm test
  exit
fi
heavy_log=$(mktemp -t gradlab-heavy-lane.XXXXXX)
NODE_OPTIONS=--no-node-snapshot npx vitest run --project heavy >"$heavy_log" 2>&1 &
heavy_pid=$!
trap 'kill "$heavy_pid" 2>/dev/null || true; gradlab_pg_drop_test_db' EXIT
main_status=0
NODE_OPTIONS=--no-node-snapshot npx vitest run --project main || main_status=$?
heavy_status=0
wait "$heavy_pid" || heavy_status=$?
echo "=== heavy lane (its files ran beside the lane above) ==="
cat "$heavy_log"
rm -f "$heavy_log"
echo "lanes: main exited $main_status, heavy exited $heavy_status"
[ "$main_status" = 0 ] && [ "$heavy_status" = 0 ]
