"""Latency of one in-process `screen` call against all loaded lists (p50, p99, max)."""

from __future__ import annotations

import contextlib
import statistics
import time

from bench.common import all_entities
from bench.matching.generate import build
from tradescreen.domain import Party
from tradescreen.errors import InputError
from tradescreen.match.screen import Screener


def main() -> None:
    entities = all_entities()
    screener = Screener.build(entities)
    queries = [c.query for c in build(entities, seeds=600, negatives=1200)]
    timings = []
    screener.screen(Party("华为"))  # loads jieba and OpenCC once, as a server does at its first Han name
    for query in queries:
        start = time.perf_counter()
        with contextlib.suppress(InputError):  # refused as unscreenable: still timed
            screener.screen(Party(query))
        timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p99 = timings[int(len(timings) * 0.99) - 1]
    print(
        f"{len(timings)} queries against {len(screener.index.names)} names: "
        f"p50 {statistics.median(timings):.2f} ms, "
        f"p99 {p99:.2f} ms, max {timings[-1]:.2f} ms"
    )


if __name__ == "__main__":
    main()
