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
npm test
