#!/usr/bin/env bash
# Agent benchmark, run by hand; never part of scripts/test.sh (no timed tests).
#
#   scripts/bench_agent.sh                 # Rust backend, Python stand-in, real connector, no-op
#   scripts/bench_agent.sh --servers rust  # any `agent-bench run` flag is passed on
#
# Builds the release backend (`sagemaker-plugin`) and the load generator (`agent-bench`,
# benches/agent-bench), creates the Python stand-in's venv (target/agent-bench-venv:
# flytekit[connector] 1.16.31, from benches/agent-bench/python/requirements.txt) and the real
# peer's venv ($CONNECTOR_VENV, default .peers/awssagemaker-connector-1.16.31: flytekitplugins-
# awssagemaker 1.16.31 from benches/agent-bench/python/connector-requirements.txt), runs the real
# peer against moto's SageMaker from .venv (scripts/venv.sh), prints the machine, then runs the
# same load against each server and prints the figures and the ratios.
#
# The machine has 2 cores. By default the load generator (with the in-process Kubernetes API
# test double) is pinned to CPU 0 and each server to CPU 1 (taskset), so the client and the server
# under test never compete for a core; PIN=0 leaves both to the scheduler.
# Knobs (environment): JOBS (10000), CONNECTOR_JOBS (1000: each of the real peer's CreateTasks
# is a CreateTrainingJob against moto), DURATION_MS (5000), WARMUP_MS (1000), CONCURRENCY
# (1,16,64), PIN (1), CONNECTOR_VENV. Results and the machine they ran on are recorded in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

# The real ACK CRDs live beside the repository (../shared/crds), as for scripts/test.sh.
SHARED_DIR="${SHARED_DIR:-$(cd .. && pwd)/shared}"
if [ ! -d "$SHARED_DIR/crds/ack" ]; then
  echo "error: $SHARED_DIR/crds/ack not found (set SHARED_DIR to the folder holding crds/)" >&2
  exit 1
fi

cargo build --release -p sagemaker-plugin -p agent-bench
target=${CARGO_TARGET_DIR:-target}/release

venv=target/agent-bench-venv
requirements=benches/agent-bench/python/requirements.txt
want=$(sha256sum "$requirements" | cut -d' ' -f1)
if [ ! -x "$venv/bin/pyflyte" ] || [ "$(cat "$venv/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
  python3 -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --upgrade pip
  "$venv/bin/python" -m pip install --quiet -r "$requirements"
  echo "$want" > "$venv/.requirements.sha256"
fi

# The real peer's own venv, and moto's (the project's test venv).
scripts/venv.sh
connector_venv=${CONNECTOR_VENV:-.peers/awssagemaker-connector-1.16.31}
connector_requirements=benches/agent-bench/python/connector-requirements.txt
want=$(sha256sum "$connector_requirements" | cut -d' ' -f1)
if [ ! -x "$connector_venv/bin/pyflyte" ] || [ "$(cat "$connector_venv/.requirements.sha256" 2>/dev/null)" != "$want" ]; then
  mkdir -p "$(dirname "$connector_venv")"
  python3 -m venv "$connector_venv"
  "$connector_venv/bin/python" -m pip install --quiet --upgrade pip
  "$connector_venv/bin/python" -m pip install --quiet -r "$connector_requirements"
  echo "$want" > "$connector_venv/.requirements.sha256"
fi

echo "== Machine"
echo "cpus: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(rustc --version)"
echo "python: $("$venv/bin/python" --version 2>&1), $("$venv/bin/python" -m pip list 2>/dev/null | grep -E '^(flytekit|grpcio|protobuf) ' | tr -s ' ' | paste -sd, - | sed 's/,/, /g')"
echo "real peer: $("$connector_venv/bin/python" -m pip list 2>/dev/null | grep -E '^(flytekitplugins-awssagemaker|flytekit|aioboto3|botocore|grpcio) ' | tr -s ' ' | paste -sd, - | sed 's/,/, /g'); moto $(.venv/bin/python -m pip list 2>/dev/null | awk '$1 == "moto" {print $2}')"
echo

client=()
server=()
if [ "${PIN:-1}" = 1 ] && [ "$(nproc)" -ge 2 ] && command -v taskset >/dev/null; then
  client=(taskset -c 0)
  server=(--server-cpus 1)
fi
"${client[@]}" "$target/agent-bench" run \
  --backend "$target/sagemaker-plugin" --crds "$SHARED_DIR/crds/ack" \
  --python-venv "$venv" --python-dir benches/agent-bench/python \
  --connector-venv "$connector_venv" --moto-python .venv/bin/python --connector-jobs "${CONNECTOR_JOBS:-1000}" \
  --jobs "${JOBS:-10000}" --duration-ms "${DURATION_MS:-5000}" --warmup-ms "${WARMUP_MS:-1000}" \
  --concurrency "${CONCURRENCY:-1,16,64}" "${server[@]}" "$@"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates the figures)"
