#!/usr/bin/env bash
# Second README command: install what is needed (apt packages and .venv), then run every check
# and every test: lint, types, the import contract, and pytest on SQLite and PostgreSQL
# (the test session starts its own throwaway PostgreSQL cluster) and in real Chromium.
# Extra arguments go to pytest, e.g. scripts/test.sh tests/triage -x
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh test

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
export XDG_CONFIG_HOME="$scratch/config" XDG_CACHE_HOME="$scratch/cache" MPLCONFIGDIR="$scratch/mpl"

step() { printf '\n== %s\n' "$*"; }
step "ruff";          .venv/bin/ruff check src tests bench
step "mypy";          .venv/bin/mypy
step "import contract"; .venv/bin/lint-imports
step "knowledge check"; .venv/bin/needlecare knowledge check
step "bandit";        .venv/bin/bandit -q -r src -lll
# Known vulnerabilities in the installed dependencies (needs the network to reach PyPI's
# advisory data); the editable needlecare package itself is skipped.
step "pip-audit";     .venv/bin/pip-audit --skip-editable
step "pytest";        .venv/bin/pytest -n 2 -p no:cacheprovider "$@"
