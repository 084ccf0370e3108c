"""Delta re-screen vs full re-screen of a 100,000-customer book after a realistic list change
(a few dozen entries added or changed)."""

from __future__ import annotations

import random
import sys
import time
from dataclasses import replace

from faker import Faker

from bench.common import all_entities
from tradescreen.domain import Party
from tradescreen.match.screen import Screener

CHANGED = 40


def main() -> None:
    size = int(sys.argv[sys.argv.index("--book") + 1]) if "--book" in sys.argv else 100_000
    entities = all_entities()
    rng = random.Random(7)
    fake = Faker(["en_US", "de_DE", "fr_FR", "zh_CN", "ru_RU"])
    fake.seed_instance(7)
    book = [Party(fake.company() if i % 3 else fake.name(), id=str(i)) for i in range(size)]
    # a few listed names hidden in the book, so that both runs find something
    for i, entity in enumerate(rng.sample(entities, 50)):
        book[i * 997 % size] = Party(entity.name, id=str(i * 997 % size))
    changed = [
        replace(e, entry=replace(e.entry, name=e.entry.name + " TRADING"))
        for e in rng.sample(entities, CHANGED)
    ]
    start = time.perf_counter()
    delta_screener = Screener.build(changed)
    delta_hits = sum(len(delta_screener.screen(p)) for p in book)
    delta_seconds = time.perf_counter() - start
    start = time.perf_counter()
    full_screener = Screener.build(entities)
    sample = book[: size // 10]
    full_hits = sum(len(full_screener.screen(p)) for p in sample)
    full_seconds = (time.perf_counter() - start) * 10  # extrapolated from a tenth of the book
    print(f"book of {size:,} customers; {CHANGED} entries changed in the new version")
    print(
        f"delta re-screen (book against the {CHANGED} changed entries): "
        f"{delta_seconds:.1f}s, {delta_hits} hits"
    )
    print(
        f"full re-screen (book against all {len(entities):,} entities, timed on {len(sample):,} and scaled): "
        f"{full_seconds:.0f}s ({full_hits} hits in the sample)"
    )
    print(f"delta is {full_seconds / delta_seconds:.0f}x cheaper")


if __name__ == "__main__":
    main()
