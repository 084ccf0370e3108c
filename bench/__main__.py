"""Run every benchmark in bench/ (each module with a `main()`), printing their figures.

`python -m bench` runs them all; `python -m bench bench.screen_latency ...` runs some.
Modules that are tools rather than benchmarks are listed in NOT_BENCHMARKS.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys

import bench

NOT_BENCHMARKS = {"bench.__main__", "bench.common", "bench.matching.calibrate", "bench.matching.generate"}


def discover() -> list[str]:
    """Names of the benchmark modules under bench/ (those defining `main`), sorted."""
    found = []
    for info in pkgutil.walk_packages(bench.__path__, prefix="bench."):
        if info.ispkg or info.name in NOT_BENCHMARKS:
            continue
        if callable(getattr(importlib.import_module(info.name), "main", None)):
            found.append(info.name)
    return sorted(found)


if __name__ == "__main__":
    wanted = [a for a in sys.argv[1:] if not a.startswith("-")] or discover()
    for name in wanted:
        print(f"\n=== {name} ===", flush=True)
        importlib.import_module(name).main()
