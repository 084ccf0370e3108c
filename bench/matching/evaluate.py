"""Matching quality and speed, side by side: tradescreen, nomenklatura LogicV2, rapidfuzz.

Prints, for each matcher: recall and false-positive rate at its threshold, per-category
recall, throughput; and for a fair comparison the recall each reaches at FPR <= 1% with a
threshold chosen on the training half of the set and measured on the test half.

- tradescreen: the Screener (its own index, scoring, default threshold).
- nomenklatura LogicV2 (the algorithm behind OpenSanctions' yente): it compares two
  entities, so it scores the 20 best candidates our index proposes for each query (a
  full scan would take minutes per query); threshold 0.7, yente's default.
- rapidfuzz token_sort_ratio: a plain baseline over every name (rapidfuzz's C++ scan),
  threshold 85.

Run: `python -m bench.matching.evaluate` (or `make bench`).
"""

from __future__ import annotations

import itertools
import random
import sys
import time
import tracemalloc
from collections import defaultdict
from collections.abc import Callable

from bench.common import all_entities
from bench.matching.generate import SEED, Case, build
from tradescreen.domain import Entity, EntityKind, Party
from tradescreen.errors import InputError
from tradescreen.match.normalize import normalize_name
from tradescreen.match.screen import DEFAULT_THRESHOLD, Screener

# A matcher returns, for a query, its best score per entity id (only candidates it found).
Matcher = Callable[[Case], dict[str, float]]
NK_CANDIDATES = 20


def tradescreen_matcher(screener: Screener) -> Matcher:
    def match(case: Case) -> dict[str, float]:
        kind = EntityKind(case.kind) if case.kind in ("individual",) else None
        try:
            hits = screener.screen(Party(case.query, kind=kind, dob=case.dob), threshold=0.0, top=10)
        except InputError:
            return {}  # a name with nothing to screen (refused by the screener)
        return {h.entity_id: h.score for h in hits}

    return match


def nomenklatura_matcher(screener: Screener) -> Matcher:
    from followthemoney import model
    from nomenklatura.matching import LogicV2
    from nomenklatura.matching.types import ScoringConfig

    config = ScoringConfig.defaults()
    cache: dict[int, object] = {}
    counter = itertools.count()

    def proxy(entity: Entity) -> object:
        schema = {EntityKind.INDIVIDUAL: "Person", EntityKind.VESSEL: "Vessel"}.get(
            entity.entry.kind, "Company"
        )
        p = model.make_entity(schema)
        p.id = entity.id
        p.add("name", [n.value for n in entity.entry.all_names])
        return p

    def match(case: Case) -> dict[str, float]:
        schema = "Person" if case.kind == "individual" else "LegalEntity"
        query = model.make_entity(schema)
        # A fresh id per query: LogicV2 caches name analysis by entity id.
        query.id = f"query-{next(counter)}"
        query.add("name", case.query)
        names = screener.index.candidates(normalize_name(case.query), limit=NK_CANDIDATES)
        scores: dict[str, float] = {}
        for name_id in names:
            idx = screener.index.names[name_id].entity_index
            if idx not in cache:
                cache[idx] = proxy(screener.entities[idx])
            entity_id = screener.entities[idx].id
            if entity_id in scores:
                continue
            scores[entity_id] = LogicV2.compare(query, cache[idx], config).score  # type: ignore[arg-type]
        return scores

    return match


def rapidfuzz_matcher(entities: list[Entity]) -> Matcher:
    from rapidfuzz import fuzz, process, utils

    choices = [(n.value, e.id) for e in entities for n in e.entry.all_names]
    names = [utils.default_process(c[0]) for c in choices]

    def match(case: Case) -> dict[str, float]:
        found = process.extract(
            utils.default_process(case.query), names, scorer=fuzz.token_sort_ratio, limit=10, processor=None
        )
        scores: dict[str, float] = {}
        for _name, score, index in found:
            entity_id = choices[index][1]
            scores[entity_id] = max(scores.get(entity_id, 0.0), score / 100.0)
        return scores

    return match


def run(matcher: Matcher, cases: list[Case]) -> tuple[list[dict[str, float]], float]:
    start = time.perf_counter()
    results = [matcher(c) for c in cases]
    return results, len(cases) / (time.perf_counter() - start)


def rates(cases: list[Case], results: list[dict[str, float]], threshold: float) -> tuple[float, float]:
    """Recall over positives, false-positive rate over negatives, at `threshold`."""
    found = missed = fp = negatives = 0
    for case, scores in zip(cases, results, strict=True):
        above = {k for k, v in scores.items() if v >= threshold}
        if case.forbidden is not None:
            above &= {case.forbidden}
        if case.expected is None:
            negatives += 1
            fp += bool(above)
        elif case.expected in above:
            found += 1
        else:
            missed += 1
    return found / max(found + missed, 1), fp / max(negatives, 1)


def tuned_threshold(cases: list[Case], results: list[dict[str, float]], max_fpr: float = 0.01) -> float:
    """The lowest threshold keeping FPR <= max_fpr on these cases."""
    candidates = sorted({round(v, 4) for r in results for v in r.values()} | {1.0})
    best = 1.0
    for t in reversed(candidates):
        if rates(cases, results, t)[1] <= max_fpr:
            best = t
        else:
            break
    return best


def by_category(cases: list[Case], results: list[dict[str, float]], threshold: float) -> dict[str, float]:
    """Recall (positives) or hit rate (negatives) per category."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for case, scores in zip(cases, results, strict=True):
        above = {k for k, v in scores.items() if v >= threshold}
        if case.forbidden is not None:
            above &= {case.forbidden}
        ok = case.expected in above if case.expected else not above
        totals[case.category][0] += ok
        totals[case.category][1] += 1
    return {k: v[0] / v[1] for k, v in sorted(totals.items())}


def _print_failures(
    cases: list[Case], results: list[dict[str, float]], threshold: float, train: list[int]
) -> None:
    """Misses and false hits of the TRAINING half only (the test half stays unseen)."""
    for i in train:
        case, scores = cases[i], results[i]
        above = {k: v for k, v in scores.items() if v >= threshold}
        if case.forbidden is not None:
            above = {k: v for k, v in above.items() if k == case.forbidden}
        if case.expected is None and above:
            print(f"FP\t{case.category}\t{case.query}\t{above}")
        elif case.expected is not None and case.expected not in above:
            print(f"MISS\t{case.category}\t{case.query}\t{scores.get(case.expected, 0.0):.3f}")


def main() -> None:
    quick = "--quick" in sys.argv
    ours_only = "--ours" in sys.argv  # tradescreen alone (a fast loop while developing)
    tracemalloc.start()
    t0 = time.perf_counter()
    entities = all_entities()
    screener = Screener.build(entities)
    build_seconds = time.perf_counter() - t0
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    cases = build(entities, seeds=300 if quick else 1200, negatives=600 if quick else 2500)
    rng = random.Random(SEED)
    order = list(range(len(cases)))
    rng.shuffle(order)
    train = sorted(order[: len(order) // 2])
    test = sorted(order[len(order) // 2 :])
    positives = sum(c.expected is not None for c in cases)
    print(
        f"index: {len(screener.index.names)} names of {len(entities)} entities, "
        f"built in {build_seconds:.1f}s, "
        f"peak memory while building {peak / 2**20:.0f} MiB"
    )
    print(
        f"evaluation set: {len(cases)} queries ({positives} must find their entity, "
        f"{len(cases) - positives} must find nothing); train/test halves of {len(train)}/{len(test)}"
    )

    matchers: list[tuple[str, Matcher, float]] = [
        ("tradescreen", tradescreen_matcher(screener), DEFAULT_THRESHOLD),
        ("nomenklatura LogicV2", nomenklatura_matcher(screener), 0.7),
        ("rapidfuzz token_sort_ratio", rapidfuzz_matcher(entities), 0.85),
    ]
    if ours_only:
        matchers = matchers[:1]
    rows = []
    categories: dict[str, dict[str, float]] = {}
    for name, matcher, default in matchers:
        results, speed = run(matcher, cases)
        recall, fpr = rates(cases, results, default)
        tr_cases, tr_results = [cases[i] for i in train], [results[i] for i in train]
        te_cases, te_results = [cases[i] for i in test], [results[i] for i in test]
        tuned = tuned_threshold(tr_cases, tr_results)
        t_recall, t_fpr = rates(te_cases, te_results, tuned)
        rows.append((name, default, recall, fpr, tuned, t_recall, t_fpr, speed))
        categories[name] = by_category(cases, results, default)
        if ours_only and "--failures" in sys.argv:
            _print_failures(cases, results, default, train)
    print()
    print(
        "| matcher | threshold | recall | FPR | tuned threshold (train) | recall (test) | FPR (test) "
        "| names/s |"
    )
    print("|---|---|---|---|---|---|---|---|")
    for name, default, recall, fpr, tuned, t_recall, t_fpr, speed in rows:
        print(
            f"| {name} | {default:.2f} | {recall:.3f} | {fpr:.3f} | {tuned:.3f} | {t_recall:.3f} | "
            f"{t_fpr:.3f} | {speed:,.0f} |"
        )
    print()
    names = [r[0] for r in rows]
    print("| category | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for category in categories[names[0]]:
        print(f"| {category} | " + " | ".join(f"{categories[n][category]:.3f}" for n in names) + " |")
    print("\n(positive categories: share found; negative categories: share with no hit)")


if __name__ == "__main__":
    main()
