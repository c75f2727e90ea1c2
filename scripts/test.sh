#!/usr/bin/env bash
# Installs what is missing, then runs every test (unit, integration, red team, end to end).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh
npm run typecheck
npm run typecheck:app
npm test
