#!/usr/bin/env bash
# Generator benchmarks, run by hand; never part of scripts/test.sh (no timed tests).
#
#   scripts/bench_generator.sh          # both benchmarks
#   scripts/bench_generator.sh regen    # full regeneration of proto/ vs protoc --python_out
#   scripts/bench_generator.sh scale    # synthetic plugins of 10, 100 and 1,000 messages
#
# Knobs (environment): RUNS/WARMUP for regen (default 20/3), SCALE_RUNS/SCALE_WARMUP for scale
# (default 5/1), SIZES for scale (default 10,100,1000). Results and the machine they ran on are
# recorded in BENCHMARKS.md.
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-all}
case $what in all | regen | scale) ;; *) echo "usage: $0 [regen|scale]" >&2; exit 2 ;; esac

cargo build --release -p generator -p generator-bench
target=${CARGO_TARGET_DIR:-target}/release

if [[ $what != scale ]] && ! command -v protoc >/dev/null; then
  # Debian's protobuf-compiler; it also brings google/protobuf/*.proto under /usr/include.
  apt-get update && apt-get install -y protobuf-compiler
fi

echo "== Machine"
echo "cpus: $(nproc) x $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$(rustc --version)"
command -v protoc >/dev/null && echo "protoc: $(protoc --version)"
echo

if [[ $what != scale ]]; then
  "$target/generator-bench" regen --generator "$target/generator" --proto proto --protoc protoc \
    --runs "${RUNS:-20}" --warmup "${WARMUP:-3}"
  echo
fi
if [[ $what != regen ]]; then
  "$target/generator-bench" scale --generator "$target/generator" --sizes "${SIZES:-10,100,1000}" \
    --runs "${SCALE_RUNS:-5}" --warmup "${SCALE_WARMUP:-1}"
fi
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) (other work on the machine inflates the figures)"
