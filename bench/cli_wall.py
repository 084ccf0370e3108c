"""Wall time of `tradescreen screen NAME` as a user runs it: a new process each time.

A fresh SQLite store gets the curated data (`init`), the SDN and the consolidated list
(`load`, which builds the persisted name index), then `screen` runs --runs times per name.
Prints the build (load) time, then min / median / max wall per screened name.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import require_data

NAMES = ("AL NASER WINGS AIRLINES", "Vladimir Putin", "Acme Garden Supplies Ltd")


def _run(args: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "tradescreen", *args], env=env, check=False, capture_output=True, text=True
    )
    wall = time.perf_counter() - start
    if done.returncode not in (0, 1):  # 1: screened, with a hit
        raise SystemExit(f"tradescreen {' '.join(args)} failed ({done.returncode}): {done.stderr[-500:]}")
    return wall


def main() -> None:
    data = require_data()
    runs = int(sys.argv[sys.argv.index("--runs") + 1]) if "--runs" in sys.argv else 5
    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **os.environ,
            "TRADESCREEN_DB": f"sqlite:///{Path(tmp) / 'bench.db'}",
            "TRADESCREEN_DATA_DIR": tmp,
        }
        loading = _run(["init"], env)
        for path in ("ofac_sdn/sdn.csv", "ofac_cons/cons_prim.csv"):
            loading += _run(["load", str(data / path)], env)
        print(f"init + load SDN + consolidated (index built at load): {loading:.1f}s")
        for name in NAMES:
            walls = sorted(_run(["screen", name], env) for _ in range(runs))
            print(
                f"screen {name!r}: min {walls[0]:.2f}s, median {statistics.median(walls):.2f}s, "
                f"max {walls[-1]:.2f}s ({runs} runs)"
            )


if __name__ == "__main__":
    main()
