#!/usr/bin/env bash
# First README command: install what is needed, then start the web app with demo data.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh run
# Two malloc arenas per process, as deploy/systemd/needlecare.service says why (freed memory
# stays in the arena of the thread that freed it); an operator's own value wins.
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
exec .venv/bin/needlecare serve --demo "$@"
