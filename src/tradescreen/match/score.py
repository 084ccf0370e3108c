"""Scoring a query name against a candidate name: features, score, explanation.

Features (each in [0, 1]):
- `token`: rarity-weighted soft token overlap (tokens pair up when equal or within a
  Jaro-Winkler of 0.9), the harmonic mean of both sides' weighted coverage;
- `jaro`: Jaro-Winkler of the compact forms (catches split/joined words, typos);
- `sort`: rapidfuzz token_sort_ratio of the core text;
- `mismatch`: weight share of informative tokens left unmatched on BOTH sides (siblings
  like "Cement Traders" vs "Cement Products" differ in exactly such a word);
- `legal`: 1 when legal forms agree or one side has none, 0 when they conflict.
The score is a logistic combination of these, with weights fitted on the evaluation
set (bench/matching) and kept in WEIGHTS; country and identifier agreement adjust it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import OSA, JaroWinkler

from tradescreen.match.normalize import NormalizedName

TOKEN_PAIR_THRESHOLD = 0.9

# Fitted by bench/matching/calibrate.py (logistic regression on the training half of the
# evaluation set; see docs/matching.md). Re-run it after changing a feature.
WEIGHTS: dict[str, float] = {
    "bias": -8.861,
    "token": 2.745,
    "cov_q": 2.695,
    "cov_c": 2.38,
    "jaro": 1.843,
    "sort": 2.999,
    "mismatch": -2.022,
    "legal": 0.518,
    "short": -0.891,
}
COUNTRY_MATCH_BONUS = 0.03
COUNTRY_MISMATCH_PENALTY = 0.10


@dataclass(frozen=True, slots=True)
class Comparison:
    """Features and score of one query/candidate pair."""

    score: float
    features: dict[str, float]
    matched_tokens: tuple[tuple[str, str], ...]
    unmatched_query: tuple[str, ...]
    unmatched_candidate: tuple[str, ...]


def _similar_tokens(q: str, c: str, strict: bool = False) -> bool:
    """Spelling variants of one word: close by Jaro-Winkler or by one edit (two when long).

    Tokens with digits never pair unless equal: "OCEAN STAR 12" is not "OCEAN STAR 19".
    Jaro-Winkler favours shared prefixes ("macedo" / "macedonia"), so it only pairs words
    of about the same length, and not at all when a name is one word (`strict`).
    """
    shortest = min(len(q), len(c))
    if shortest <= 2 or not (q.isalpha() and c.isalpha()):
        return False
    if (
        not strict
        and abs(len(q) - len(c)) <= 2
        and JaroWinkler.normalized_similarity(q, c) >= TOKEN_PAIR_THRESHOLD
    ):
        return True
    if shortest < 4:
        return False
    edits = 2 if shortest >= 8 else 1
    return OSA.distance(q, c, score_cutoff=edits) <= edits


def _pair_tokens(
    query: tuple[str, ...], candidate: tuple[str, ...]
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Greedy one-to-one pairing of similar tokens, most similar first."""
    used_q: set[int] = set()
    used_c: set[int] = set()
    matched: list[tuple[str, str]] = []
    # Equal tokens pair first (cheap, and always the best pairing); only the rest is
    # compared fuzzily, which is where the time goes.
    for i, q in enumerate(query):
        for j, c in enumerate(candidate):
            if q == c and j not in used_c:
                used_q.add(i)
                used_c.add(j)
                matched.append((q, c))
                break
    pairs: list[tuple[float, int, int]] = []
    strict = min(len(query), len(candidate)) == 1
    for i, q in enumerate(query):
        if i in used_q:
            continue
        for j, c in enumerate(candidate):
            if j not in used_c and _similar_tokens(q, c, strict):
                pairs.append((JaroWinkler.normalized_similarity(q, c), i, j))
    pairs.sort(reverse=True)
    for _sim, i, j in pairs:
        if i not in used_q and j not in used_c:
            used_q.add(i)
            used_c.add(j)
            matched.append((query[i], candidate[j]))
    return (
        matched,
        [t for i, t in enumerate(query) if i not in used_q],
        [t for j, t in enumerate(candidate) if j not in used_c],
    )


def _join_split_tokens(tokens: list[str], other: list[str]) -> tuple[list[str], list[str]]:
    """Pair "hua"+"wei" on one side with "huawei" on the other; return what stays unmatched."""
    for a in range(len(tokens) - 1):
        joined = tokens[a] + tokens[a + 1]
        for b, o in enumerate(other):
            if joined == o or (
                abs(len(joined) - len(o)) <= 2 and JaroWinkler.normalized_similarity(joined, o) >= 0.95
            ):
                return tokens[:a] + tokens[a + 2 :], other[:b] + other[b + 1 :]
    return tokens, other


def compare_normalized(
    query: NormalizedName, candidate: NormalizedName, idf: dict[str, float], default_idf: float
) -> Comparison:
    """Score two normalised names; `idf` gives token rarity (unknown tokens: `default_idf`)."""
    if not query.tokens or not candidate.tokens:
        return Comparison(0.0, {}, (), query.tokens, candidate.tokens)
    matched, left_q, left_c = _pair_tokens(query.tokens, candidate.tokens)
    # Split or joined words ("Hua Wei" / "Huawei") count as matched on both sides.
    joined_pairs: list[tuple[str, str]] = []
    for _ in range(2 if left_q and left_c else 0):
        new_q, new_c = _join_split_tokens(left_q, left_c)
        if new_q != left_q:
            joined_pairs.append(
                (" ".join(t for t in left_q if t not in new_q), " ".join(t for t in left_c if t not in new_c))
            )
            left_q, left_c = new_q, new_c
        new_c, new_q = _join_split_tokens(left_c, left_q)
        if new_c != left_c:
            joined_pairs.append(
                (" ".join(t for t in left_q if t not in new_q), " ".join(t for t in left_c if t not in new_c))
            )
            left_q, left_c = new_q, new_c

    def weight(tokens: tuple[str, ...] | list[str]) -> float:
        return sum(idf.get(t, default_idf) for t in tokens)

    wq, wc = weight(query.tokens), weight(candidate.tokens)
    coverage_q = 1 - weight(left_q) / wq if wq else 0.0
    coverage_c = 1 - weight(left_c) / wc if wc else 0.0
    token = 2 * coverage_q * coverage_c / (coverage_q + coverage_c) if coverage_q + coverage_c else 0.0
    jaro = JaroWinkler.normalized_similarity(query.compact, candidate.compact)
    sort = fuzz.token_sort_ratio(query.text, candidate.text) / 100.0
    mismatch = min(weight(left_q) / wq, weight(left_c) / wc) if wq and wc and left_q and left_c else 0.0
    legal = (
        0.0
        if query.legal_forms and candidate.legal_forms and not (query.legal_forms & candidate.legal_forms)
        else 1.0
    )
    short = 1.0 if min(len(query.tokens), len(candidate.tokens)) == 1 else 0.0
    features = {
        "token": token,
        "cov_q": coverage_q,
        "cov_c": coverage_c,
        "jaro": jaro,
        "sort": sort,
        "mismatch": mismatch,
        "legal": legal,
        "short": short,
    }
    z = WEIGHTS["bias"] + sum(WEIGHTS[k] * v for k, v in features.items())
    score = 1.0 / (1.0 + math.exp(-z))
    if query.compact == candidate.compact:
        score = max(score, 0.99 if legal else 0.95)
    return Comparison(score, features, tuple(matched + joined_pairs), tuple(left_q), tuple(left_c))


def explain(
    comparison: Comparison,
    query: NormalizedName,
    candidate: NormalizedName,
    *,
    country_note: str | None = None,
    identifier_note: str | None = None,
) -> str:
    """A short plain-language explanation of a comparison."""
    parts: list[str] = []
    if comparison.matched_tokens:
        shown = ", ".join(q if q == c else f"{q}≈{c}" for q, c in comparison.matched_tokens[:6])
        parts.append(f"tokens matched: {shown}")
    if comparison.unmatched_query or comparison.unmatched_candidate:
        missing = " / ".join(
            x for x in (" ".join(comparison.unmatched_query), " ".join(comparison.unmatched_candidate)) if x
        )
        parts.append(f"unmatched: {missing}")
    for side in (query, candidate):
        if side.transliterated:
            parts.append(f"transliterated {side.original!r} ({side.transliterated})")
    forms = sorted(query.legal_forms | candidate.legal_forms)
    if forms:
        agree = "agree" if comparison.features.get("legal", 1.0) else "differ"
        parts.append(f"legal form ignored ({', '.join(forms)}; {agree})")
    if country_note:
        parts.append(country_note)
    if identifier_note:
        parts.append(identifier_note)
    return "; ".join(parts)
