#!/usr/bin/env bash
# The demo in one command: prepares the pinned venv and the binaries, then runs the example
# workflow's SageMaker tuning task through the backend against the Kubernetes API test double.
#   examples/demo/run.sh [--target ack|operator] [--step-ms N]
set -euo pipefail
cd "$(dirname "$0")/../.."
scripts/venv.sh
cargo build --quiet --workspace --bins
exec .venv/bin/python examples/demo/demo.py "$@"
