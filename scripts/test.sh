#!/usr/bin/env bash
# The one test command: builds everything, runs every test (Rust and Python), and checks that
# generated/ is fresh and that the SageMaker model fits the real CRD schemas of both targets.
# Works on a fresh machine: it installs what it needs (a pinned Python venv, cached in .venv).
set -euo pipefail
cd "$(dirname "$0")/.."

# The real CRD schemas live beside the repository (../shared/crds), never copied into it.
SHARED_DIR="${SHARED_DIR:-$(cd .. && pwd)/shared}"
export SHARED_DIR
if [ ! -d "$SHARED_DIR/crds" ]; then
  echo "error: $SHARED_DIR/crds not found (set SHARED_DIR to the folder holding crds/)" >&2
  exit 1
fi

step() { printf '\n==> %s\n' "$*"; }

step "generated/ is fresh"
cargo run -q -p generator -- --check

step "the SageMaker model fits the real CRD schemas"
cargo run -q -p generator -- --check --crd-schema "$SHARED_DIR/crds/ack"
cargo run -q -p generator -- --check --crd-schema "$SHARED_DIR/crds/operator"

step "Rust tests"
cargo test --workspace --locked

if [ -d tests/python ]; then
  step "Python venv (pinned, cached in .venv)"
  scripts/venv.sh
  step "Python tests"
  .venv/bin/python -m pytest -q tests/python
fi
