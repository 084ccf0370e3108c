"""Fit the scoring weights and the default threshold on the training half of the set.

Logistic regression (L2, scipy) of "this candidate is the expected entity" on the score
features of every candidate the index proposes; then the lowest threshold that keeps the
false-positive rate (negative queries with any hit) at or below 1% on the training half.
Prints the weights and threshold to put in `match/score.py` and `match/screen.py`.

Run: `python -m bench.matching.calibrate`.
"""

from __future__ import annotations

import math
import random

import numpy as np
from scipy.optimize import minimize

from bench.common import all_entities
from bench.matching.evaluate import rates, tuned_threshold
from bench.matching.generate import SEED, build
from tradescreen.domain import EntityKind, Party
from tradescreen.errors import InputError
from tradescreen.match import score as score_module
from tradescreen.match.normalize import normalize_name
from tradescreen.match.score import compare_normalized
from tradescreen.match.screen import Screener

FEATURES = ("token", "cov_q", "cov_c", "jaro", "sort", "mismatch", "legal", "short")


def main() -> None:
    entities = all_entities()
    screener = Screener.build(entities)
    cases = build(entities)
    order = list(range(len(cases)))
    random.Random(SEED).shuffle(order)
    train = [cases[i] for i in sorted(order[: len(order) // 2])]
    rows: list[list[float]] = []
    labels: list[float] = []
    index = screener.index
    for case in train:
        query = normalize_name(case.query)
        if not query.tokens:
            continue
        seen: dict[str, tuple[float, list[float]]] = {}
        for name_id in index.candidates(query, limit=40):
            named = index.names[name_id]
            entity = index.entities[named.entity_index]
            comparison = compare_normalized(query, named.normalized, index.token_idf, index.default_idf)
            vector = [comparison.features[f] for f in FEATURES]
            best = seen.get(entity.id)
            if best is None or comparison.score > best[0]:
                seen[entity.id] = (comparison.score, vector)
        for entity_id, (_score, vector) in seen.items():
            rows.append(vector)
            labels.append(1.0 if entity_id == case.expected else 0.0)
    x = np.hstack([np.ones((len(rows), 1)), np.array(rows)])
    y = np.array(labels)
    weight = np.where(y == 1, (1 - y).sum() / max(y.sum(), 1), 1.0)

    def loss(w: np.ndarray) -> float:
        z = x @ w
        return float(np.sum(weight * (np.logaddexp(0, z) - y * z)) / len(y) + 1e-3 * np.sum(w[1:] ** 2))

    fitted = minimize(loss, np.zeros(x.shape[1]), method="L-BFGS-B").x
    weights = {
        "bias": round(float(fitted[0]), 3),
        **{f: round(float(v), 3) for f, v in zip(FEATURES, fitted[1:], strict=True)},
    }
    print(f"fitted on {len(y)} candidate pairs ({int(y.sum())} true) from {len(train)} training queries")
    print("WEIGHTS =", weights)
    score_module.WEIGHTS.update(weights)
    results = []
    for case in train:
        kind = EntityKind.INDIVIDUAL if case.kind == "individual" else None
        try:
            hits = screener.screen(Party(case.query, kind=kind, dob=case.dob), threshold=0.0, top=10)
        except InputError:
            hits = []  # nothing to screen in this name
        results.append({h.entity_id: h.score for h in hits})
    threshold = tuned_threshold(train, results)
    recall, fpr = rates(train, results, threshold)
    print(f"threshold for FPR <= 1% on the training half: {threshold} (recall {recall:.3f}, FPR {fpr:.3f})")
    assert not math.isnan(recall)


if __name__ == "__main__":
    main()
