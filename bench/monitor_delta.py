"""Delta re-screen vs full re-screen of a 100,000-customer book after a realistic list change
(a few dozen entries added or changed)."""

from __future__ import annotations

import pickle
import random
import sys
import time
from dataclasses import replace

from faker import Faker
from rapidfuzz import fuzz, process

from bench.common import all_entities
from tradescreen.domain import Party
from tradescreen.match.index import name_keys
from tradescreen.match.normalize import normalize_name
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
    # Before: every customer screened against the changed entries (normalising 100,000 names).
    start = time.perf_counter()
    delta_screener = Screener.build(changed)
    every_hits = sum(len(delta_screener.screen(p)) for p in book)
    every_seconds = time.perf_counter() - start
    # After: book-name keys computed once and cached (monitor.book_keys saves them beside the
    # database); a run screens only the customers sharing a key with a changed entry.
    start = time.perf_counter()
    keys = {p.id: frozenset(name_keys(normalize_name(p.name))) for p in book}
    cache_seconds = time.perf_counter() - start
    blob = pickle.dumps(keys, protocol=5)
    start = time.perf_counter()
    keys = pickle.loads(blob)  # what a run reads back from the saved file
    delta_screener = Screener.build(changed)
    delta_keys = set(delta_screener.index.postings)
    affected = [p for p in book if not keys[p.id].isdisjoint(delta_keys)]
    delta_hits = sum(len(delta_screener.screen(p)) for p in affected)
    delta_seconds = time.perf_counter() - start
    assert delta_hits == every_hits, (delta_hits, every_hits)
    # Same-run baseline: rapidfuzz brute force of the whole book against the changed names.
    start = time.perf_counter()
    process.cdist([p.name for p in book], [e.name for e in changed], scorer=fuzz.token_sort_ratio, workers=-1)
    brute_seconds = time.perf_counter() - start
    start = time.perf_counter()
    full_screener = Screener.build(entities)
    sample = book[: size // 10]
    full_hits = sum(len(full_screener.screen(p)) for p in sample)
    full_seconds = (time.perf_counter() - start) * 10  # extrapolated from a tenth of the book
    print(f"book of {size:,} customers; {CHANGED} entries changed in the new version")
    print(
        f"delta re-screen before (every customer against the {CHANGED} changed entries): "
        f"{every_seconds:.1f}s, {every_hits} hits"
    )
    print(
        f"delta re-screen after (cached name keys; {len(affected):,} customers share a key): "
        f"{delta_seconds:.2f}s, {delta_hits} hits (building the key cache once: {cache_seconds:.1f}s)"
    )
    print(
        f"baseline (same run): rapidfuzz cdist token_sort_ratio, book x {CHANGED} names, all cores: "
        f"{brute_seconds:.2f}s"
    )
    print(
        f"full re-screen (book against all {len(entities):,} entities, timed on {len(sample):,} and scaled): "
        f"{full_seconds:.0f}s ({full_hits} hits in the sample)"
    )
    print(f"delta is {full_seconds / delta_seconds:.0f}x cheaper")


if __name__ == "__main__":
    main()
