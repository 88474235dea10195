#!/usr/bin/env bash
# First README command: install what is needed, then start the web app with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
exec .venv/bin/needlecare serve --demo "$@"
