#!/usr/bin/env python3
"""Wall time of a full regeneration of proto/ with the warm release binary: median of 20 runs
after 3 warm-up runs. Build first: cargo build --release -p generator"""
import statistics
import subprocess
import sys
import time

binary = sys.argv[1] if len(sys.argv) > 1 else "target/release/generator"
times = []
for i in range(23):
    start = time.perf_counter()
    subprocess.run([binary], check=True, capture_output=True)
    if i >= 3:
        times.append(time.perf_counter() - start)
print(f"full regeneration: median {statistics.median(times) * 1e3:.1f} ms, "
      f"min {min(times) * 1e3:.1f} ms, max {max(times) * 1e3:.1f} ms over {len(times)} runs")
