"""screen-file throughput: names per second in this process, in 2 worker processes, on Dask."""

from __future__ import annotations

import csv
import sys
import tempfile
import time
from pathlib import Path

from bench.common import all_entities
from bench.matching.generate import build
from tradescreen.batch import screen_csv
from tradescreen.match.screen import Screener


def main() -> None:
    size = int(sys.argv[sys.argv.index("--names") + 1]) if "--names" in sys.argv else 20_000
    entities = all_entities()
    screener = Screener.build(entities)
    queries = [c.query for c in build(entities, seeds=600, negatives=1200)]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "in.csv"
        with src.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(["id", "name"])
            for i in range(size):
                writer.writerow([i, queries[i % len(queries)]])
        for engine in ("local", "processes", "dask"):
            start = time.perf_counter()
            summary = screen_csv(src, Path(tmp) / f"out-{engine}.csv", screener, engine=engine, workers=2)
            seconds = time.perf_counter() - start
            print(
                f"{engine:>9}: {summary.parties} names in {seconds:.1f}s = "
                f"{summary.parties / seconds:,.0f} names/s "
                f"({summary.hits} hits)"
            )


if __name__ == "__main__":
    main()
