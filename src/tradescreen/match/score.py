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

from tradescreen.match.names import common_given_names, nickname_pair, romanisation_key
from tradescreen.match.normalize import NormalizedName
from tradescreen.match.places import is_place

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
ACRONYM_SCORE = 0.93  # an acronym of the list name: found at the default threshold, never certain
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


def _vowels(word: str) -> str:
    return "".join(ch for ch in word if ch in "aeiou")


def _similar_tokens(q: str, c: str, strict: bool = False) -> bool:
    """Spelling variants of one word: close by Jaro-Winkler or by one edit (two when long).

    Tokens with digits never pair unless equal: "OCEAN STAR 12" is not "OCEAN STAR 19".
    Jaro-Winkler favours shared prefixes ("macedo" / "macedonia"), so it only pairs words
    of about the same length, and not at all when a name is one word (`strict`).
    """
    shortest = min(len(q), len(c))
    if (
        q.isalpha()
        and c.isalpha()
        and shortest >= (7 if strict else 2)
        # About the same length: the coarse key folds "gang" and "guoying" together,
        # and short words further ("jo" / "jiao"), while "xi" / "shi" differ by one.
        and abs(len(q) - len(c)) <= (1 if shortest <= 3 else 2)
        # Short syllables keep their vowels: "guo" / "gao" and "rui" / "ri" are other
        # names, while "xi" / "shi" differ only in the consonant.
        and (shortest > 3 or _vowels(q) == _vowels(c))
        and romanisation_key(q) == romanisation_key(c)
    ):
        # Hizballah / Hezbollah, Xi / Shi, Yevgeniy / Evgeny; a one-word name only when
        # long, since short words collide under the coarse key ("costa" / "kosta").
        return True
    if shortest <= 2 or not (q.isalpha() and c.isalpha()):
        return False
    if nickname_pair(q, c):
        return True  # Bill / William, Sasha / Aleksandr
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
    # Initials: "J" pairs with "Jean", when neither side is a one-word name.
    if not strict:
        for i, q in enumerate(query):
            if i in used_q:
                continue
            for j, c in enumerate(candidate):
                if j in used_c:
                    continue
                short, long_ = (q, c) if len(q) < len(c) else (c, q)
                if len(short) == 1 and len(long_) > 1 and long_.isalpha() and long_[0] == short:
                    pairs.append((0.5, i, j))
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


# Informativeness of words left unmatched on one side only, when everything on the other
# side matched: a missing middle name or patronymic ("Vladimir Putin" / "PUTIN, Vladimir
# Vladimirovich") or a place ("Dahua Technology" / "Zhejiang Dahua Technology") says
# little against a match; a missing company word still counts in full.
PARTIAL_PERSON_FACTOR = 0.3
# A partial person match is cheap only when the words that did match say enough: their
# summed rarity must reach INFORMATIVE_MATCH. A given name common in the population
# ("David", "Nicolas") counts at most COMMON_GIVEN_NAME_IDF however rare it is on the
# lists, so "David Gonzalez" does not meet "RUBIO GONZALEZ, David Nicolas" cheaply while
# "Vladimir Putin" still meets "PUTIN, Vladimir Vladimirovich".
# Both are shares of the rarity of an unseen word (`default_idf`, about 10.1 over the
# lists; 1.0 in `compare`, where rarity is neutral).
INFORMATIVE_MATCH = 1.04
COMMON_GIVEN_NAME_IDF = 0.4
# A pair matched only as a spelling variant (edit distance, Jaro-Winkler) loses this
# multiple of its dissimilarity as coverage: "gang" / "lang" is not the same name.
FUZZY_PAIR_COST = 3.0
FUZZY_PAIR_MAX_LEN = 5  # longer words keep a typo's full credit (short_typo, typo)
PLACE_FACTOR = 0.2
VARIANT_FACTOR = 0.97


@dataclass(frozen=True, slots=True)
class Feature:
    """One declared feature of the name score: its weight and what it measures."""

    name: str
    weight: float
    description: str


# The declared features, LogicV2 style: each comparison reports every one of them as
# {score, detail}; the name score is the logistic of their weighted sum (WEIGHTS).
FEATURES: tuple[Feature, ...] = (
    Feature("token", WEIGHTS["token"], "rarity-weighted share of words matched on both sides"),
    Feature("cov_q", WEIGHTS["cov_q"], "share of the query's words (by rarity) matched"),
    Feature("cov_c", WEIGHTS["cov_c"], "share of the list name's words (by rarity) matched"),
    Feature("jaro", WEIGHTS["jaro"], "Jaro-Winkler similarity of the names written without spaces"),
    Feature("sort", WEIGHTS["sort"], "token-sort ratio of the names"),
    Feature("mismatch", WEIGHTS["mismatch"], "informative words unmatched on both sides"),
    Feature("legal", WEIGHTS["legal"], "legal forms agree or one side has none"),
    Feature("short", WEIGHTS["short"], "one of the names is a single word"),
)


_PATRONYMIC_ENDINGS = ("ovich", "evich", "ovna", "evna", "ich", "ogly", "kyzy", "uly")


def _surname_like(name: NormalizedName) -> frozenset[str]:
    """Words of a person's name that are likely surnames, which a match cannot do without.

    "LAST, First Middle" (list style): the words before the comma. Otherwise the last word
    unless it is a patronymic ("Сечин Игорь Иванович" ends in one; its surname is first).
    """
    if name.surname_words:
        return frozenset(name.surname_words)
    if not name.tokens:
        return frozenset()
    last = name.tokens[-1]
    if last.endswith(_PATRONYMIC_ENDINGS):
        return frozenset()
    return frozenset({last})


def _one_sided_factor(
    tokens: list[str],
    other_left: list[str],
    matched: int,
    person_like: bool,
    protected: frozenset[str] = frozenset(),
) -> dict[str, float]:
    """Weight factors for words left unmatched on one side only (surnames never cheap)."""
    factors: dict[str, float] = {}
    if other_left:
        return factors
    for t in tokens:
        if is_place(t):
            factors[t] = PLACE_FACTOR
        elif person_like and matched >= 2 and t not in protected:
            factors[t] = PARTIAL_PERSON_FACTOR
    return factors


def acronym_of(tokens: tuple[str, ...]) -> str | None:
    """First letters of a name of three words or more ("people liberation army" -> "pla")."""
    words = [t for t in tokens if t.isalpha()]
    return "".join(t[0] for t in words) if len(words) >= 3 else None


def compare_normalized(
    query: NormalizedName,
    candidate: NormalizedName,
    idf: dict[str, float],
    default_idf: float,
    *,
    person: bool | None = None,
) -> Comparison:
    """Score two normalised names; `idf` gives token rarity (unknown tokens: `default_idf`).

    Names translated from Chinese are also compared by their pinyin reading; the better
    comparison counts. `person` says whether the names are people's (partial names then
    cost little); None guesses from the shape (no legal form on either side).
    """
    best = _compare(query, candidate, idf, default_idf, person)
    for q_tokens, c_tokens in (
        (query.alternate, None),
        (None, candidate.alternate),
    ):
        if q_tokens is None and c_tokens is None:
            continue
        alt_q = _with_tokens(query, q_tokens) if q_tokens else query
        alt_c = _with_tokens(candidate, c_tokens) if c_tokens else candidate
        other = _compare(alt_q, alt_c, idf, default_idf, person)
        if other.score > best.score:
            best = other
    return best


def _with_tokens(name: NormalizedName, tokens: tuple[str, ...]) -> NormalizedName:
    return NormalizedName(name.original, tokens, name.legal_forms, name.transliterated, name.qualifiers)


def _compare(
    query: NormalizedName,
    candidate: NormalizedName,
    idf: dict[str, float],
    default_idf: float,
    person: bool | None,
) -> Comparison:
    if not query.tokens or not candidate.tokens:
        return Comparison(0.0, {}, (), query.tokens, candidate.tokens)
    if (
        len(query.tokens) == 1
        and len(candidate.tokens) >= 3
        and query.tokens[0] == acronym_of(candidate.tokens)
    ):
        # "PLA" for "People's Liberation Army": a strong but not a certain sign.
        features = dict.fromkeys(("token", "cov_q", "cov_c", "jaro", "sort", "legal"), 1.0)
        features.update(mismatch=0.0, short=1.0, acronym=1.0)
        return Comparison(ACRONYM_SCORE, features, ((query.tokens[0], candidate.text),), (), ())
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

    person_like = person if person is not None else not (query.legal_forms or candidate.legal_forms)
    n_matched = len(matched) + len(joined_pairs)
    # A surname left out entirely is never cheap; a second surname beside a matched one is
    # ("Nicolas Maduro" / "MADURO MOROS, Nicolas").
    sur_q, sur_c = _surname_like(query), _surname_like(candidate)
    protect_q = sur_q if sur_q and sur_q <= set(left_q) else frozenset()
    protect_c = sur_c if sur_c and sur_c <= set(left_c) else frozenset()
    fuzzy = [
        (q, c)
        for q, c in matched
        if q != c
        and 1 < min(len(q), len(c)) <= FUZZY_PAIR_MAX_LEN
        and romanisation_key(q) != romanisation_key(c)
        and not nickname_pair(q, c)
    ]
    informative = (
        sum(
            min(idf.get(q, default_idf), COMMON_GIVEN_NAME_IDF * default_idf)
            if q in common_given_names()
            else idf.get(q, default_idf)
            for q, _c in matched
        )
        >= INFORMATIVE_MATCH * default_idf
    )
    partial_ok = person_like and informative
    factor_q = _one_sided_factor(left_q, left_c, n_matched, partial_ok, protect_q)
    factor_c = _one_sided_factor(left_c, left_q, n_matched, partial_ok, protect_c)

    def weight(tokens: tuple[str, ...] | list[str], factors: dict[str, float] | None = None) -> float:
        f = factors or {}
        return sum(idf.get(t, default_idf) * f.get(t, 1.0) for t in tokens)

    wq, wc = weight(query.tokens), weight(candidate.tokens)
    lost_q, lost_c = weight(left_q, factor_q), weight(left_c, factor_c)
    for q, c in fuzzy:
        cost = min(1.0, FUZZY_PAIR_COST * (1 - JaroWinkler.normalized_similarity(q, c)))
        lost_q += idf.get(q, default_idf) * cost
        lost_c += idf.get(c, default_idf) * cost
    coverage_q = 1 - lost_q / wq if wq else 0.0
    coverage_c = 1 - lost_c / wc if wc else 0.0
    token = 2 * coverage_q * coverage_c / (coverage_q + coverage_c) if coverage_q + coverage_c else 0.0
    jaro = JaroWinkler.normalized_similarity(query.compact, candidate.compact)
    sort = fuzz.token_sort_ratio(query.text, candidate.text) / 100.0
    if (factor_q or factor_c) and n_matched:
        # Leftovers that cost little should not drag the string measures down either:
        # compare what both names share, then discount by what is missing.
        kept_q = [t for t in query.tokens if t not in factor_q]
        kept_c = [t for t in candidate.tokens if t not in factor_c]
        jaro = max(jaro, JaroWinkler.normalized_similarity("".join(kept_q), "".join(kept_c)) * token)
        sort = max(sort, fuzz.token_sort_ratio(" ".join(kept_q), " ".join(kept_c)) / 100.0 * token)
    variants = {
        q: c
        for q, c in matched
        if q != c and (romanisation_key(q) == romanisation_key(c) or nickname_pair(q, c))
    }
    if variants:
        # Romanisation variants and nicknames are the same word: compare the strings with
        # the list's spelling put in, a little below an exact spelling.
        as_listed = [variants.get(t, t) for t in query.tokens if t not in factor_q]
        kept_c = [t for t in candidate.tokens if t not in factor_c]
        jaro = max(
            jaro, VARIANT_FACTOR * JaroWinkler.normalized_similarity("".join(as_listed), "".join(kept_c))
        )
        sort = max(
            sort, VARIANT_FACTOR * fuzz.token_sort_ratio(" ".join(as_listed), " ".join(kept_c)) / 100.0
        )
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
    elif score > 0.985:
        # Only the same words in the same spelling score 0.99 and above: variants stay graded.
        score = 0.985
    return Comparison(score, features, tuple(matched + joined_pairs), tuple(left_q), tuple(left_c))


def feature_details(
    comparison: Comparison, query: NormalizedName, candidate: NormalizedName
) -> dict[str, dict[str, float | str]]:
    """Every declared feature of a comparison as {score, detail} (explanation as data)."""
    f = comparison.features
    shown = ", ".join(q if q == c else f"{q}≈{c}" for q, c in comparison.matched_tokens[:6])
    details = {
        "token": f"matched: {shown}" if shown else "no word matched",
        "cov_q": "unmatched in query: " + (" ".join(comparison.unmatched_query) or "none"),
        "cov_c": "unmatched in list name: " + (" ".join(comparison.unmatched_candidate) or "none"),
        "jaro": f"{query.compact!r} vs {candidate.compact!r}",
        "sort": f"{query.text!r} vs {candidate.text!r}",
        "mismatch": "words unmatched on both sides" if f.get("mismatch") else "none",
        "legal": (
            f"forms {', '.join(sorted(query.legal_forms)) or '-'}"
            f" / {', '.join(sorted(candidate.legal_forms)) or '-'}"
            + (" differ" if f.get("legal", 1.0) == 0.0 else "")
        ),
        "short": "one-word name" if f.get("short") else "several words",
    }
    out: dict[str, dict[str, float | str]] = {
        feat.name: {"score": round(f.get(feat.name, 0.0), 4), "detail": details[feat.name]}
        for feat in FEATURES
    }
    if f.get("acronym"):
        out["acronym"] = {"score": 1.0, "detail": f"{query.text!r} is the initials of {candidate.text!r}"}
    return out


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
        if side.qualifiers:
            parts.append(f"place after the name ignored ({' '.join(side.qualifiers)})")
    if comparison.features.get("acronym"):
        parts.append("acronym of the list name")
    forms = sorted(query.legal_forms | candidate.legal_forms)
    if forms:
        agree = "agree" if comparison.features.get("legal", 1.0) else "differ"
        parts.append(f"legal form ignored ({', '.join(forms)}; {agree})")
    if country_note:
        parts.append(country_note)
    if identifier_note:
        parts.append(identifier_note)
    return "; ".join(parts)
