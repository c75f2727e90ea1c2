#!/usr/bin/env bash
# Installs what is missing, builds the web app, then serves GradLab (web server + grading
# workers) on the embedded default: SQLite in ./data (GRADLAB_DATA_DIR), port 3000 (PORT).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
GRADLAB_SKIP_CHROMIUM=1 . scripts/setup.sh
if npm run | grep -q '^  build$'; then npm run build; fi
exec node bin/gradlab.js start
