#!/usr/bin/env bash
# Creates .venv once with the pinned Python peers (flytekit, flyteidl, pytest) and refreshes it
# when scripts/requirements.txt changes.
set -euo pipefail
cd "$(dirname "$0")/.."
stamp=.venv/.requirements.sha256
want=$(sha256sum scripts/requirements.txt | cut -d' ' -f1)
if [ ! -x .venv/bin/python ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip
  .venv/bin/python -m pip install --quiet -r scripts/requirements.txt
  echo "$want" > "$stamp"
fi
