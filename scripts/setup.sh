#!/usr/bin/env bash
# Installs everything NeedleCare needs into .venv/ (system packages with apt-get first).
# Usage: scripts/setup.sh [run|test]   -- "test" adds PostgreSQL, Chromium and the dev tools.
# Idempotent: a second run only checks what is there.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

# tesseract-ocr + its English, Korean and Japanese data: reading ingredient labels from photos
# (needlecare.ocr; Korean and Japanese labels get a second pass with their data).
apt_packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core
  tesseract-ocr tesseract-ocr-eng tesseract-ocr-kor tesseract-ocr-jpn)
if [ "$mode" = "test" ]; then
  apt_packages+=(postgresql chromium poppler-utils openssl)  # openssl: test TLS certificates
  # Label fonts of bench/ocr_labels.py (Latin; Hangul; kana and kanji).
  apt_packages+=(fonts-dejavu-extra fonts-liberation fonts-nanum fonts-ipafont-gothic)
fi

missing=()
for pkg in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

python="${PYTHON:-python3.11}"
command -v "$python" >/dev/null || python=python3
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$python" -m venv .venv
fi

extras=""
if [ "$mode" = "test" ]; then
  extras="[dev,postgresql]"
elif [[ "${NEEDLECARE_DATABASE_URL:-}" == postgresql* ]]; then
  extras="[postgresql]"  # a SQLite install does not pull PostgreSQL's driver
fi
stamp=".venv/.needlecare-installed-$mode"
want="$(cat pyproject.toml | sha256sum | cut -c1-16)$extras"
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
  echo "setup: installing Python packages into .venv (about a minute)"
  .venv/bin/python -m pip install -q --upgrade pip
  .venv/bin/python -m pip install -q -e ".$extras"
  echo "$want" > "$stamp"
fi
