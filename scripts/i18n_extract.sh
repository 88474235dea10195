#!/usr/bin/env bash
# Extract every translatable message (code, templates, knowledge data) into
# src/needlecare/locale/messages.pot and bring each catalogue (en, es, ...) up to it; then list
# what a shipped language still misses. Translate those entries in locale/<lang>/LC_MESSAGES/
# messages.po (see docs/i18n.md) until `needlecare knowledge check` is clean.
set -euo pipefail
cd "$(dirname "$0")/.."
.venv/bin/python -m needlecare.translation
