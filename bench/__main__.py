"""Run every benchmark in bench/ (each module with a `main()`), printing their figures."""

from __future__ import annotations

import importlib
import sys

BENCHMARKS = ("bench.matching.evaluate", "bench.screen_latency", "bench.batch_throughput")

if __name__ == "__main__":
    wanted = sys.argv[1:] or BENCHMARKS
    for name in wanted:
        print(f"\n=== {name} ===", flush=True)
        importlib.import_module(name).main()
