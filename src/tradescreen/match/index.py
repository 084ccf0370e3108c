"""Candidate generation: an inverted index over every name and alias of the lists.

Keys per name: each core token, its phonetic key (metaphone), its 4-letter prefix, the
concatenation of adjacent tokens ("hua wei" -> "huawei"), the initials of names of three
words or more ("@pla"), and the pinyin reading of names translated from Chinese, so that spelling
variants, transliterations and split/joined words still meet. A query looks up its own
keys, sums the rarity (IDF) of the keys it shares with each name, and keeps the best
few hundred names for full scoring: it never scans every name.
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import jellyfish

from tradescreen.domain import AliasType, Entity
from tradescreen.match.normalize import NormalizedName, normalize_name

MAX_CANDIDATES = 150


@dataclass(frozen=True, slots=True)
class IndexedName:
    """One searchable name: which entity it belongs to and how it normalises."""

    entity_index: int
    value: str
    alias_type: AliasType
    normalized: NormalizedName


def name_keys(normalized: NormalizedName) -> set[str]:
    """Index keys of a normalised name (tokens, phonetic keys, prefixes, joined pairs)."""
    tokens = normalized.tokens
    keys: set[str] = set()
    for token in tokens:
        keys.add(token)
        if len(token) >= 4 and token.isalpha():
            keys.add("~" + jellyfish.metaphone(token))
            keys.add("^" + token[:4])
    for left, right in itertools.pairwise(tokens):
        keys.add(left + right)
    if len(tokens) > 1:
        keys.add(normalized.compact)
    if normalized.alternate:
        # The pinyin reading of a name translated from Chinese is searchable too.
        keys.update(normalized.alternate)
        keys.add("".join(normalized.alternate))
    acronym = "".join(t[0] for t in tokens if t.isalpha()) if len(tokens) >= 3 else ""
    if len(acronym) >= 3:
        keys.add("@" + acronym)  # "PLA" finds "People's Liberation Army"
    elif len(tokens) == 1 and tokens[0].isalpha():
        keys.add("@" + tokens[0])
    return keys


class NameIndex:
    """Inverted index from keys to names, with token rarity for scoring."""

    def __init__(self, entities: Sequence[Entity]) -> None:
        self.entities = list(entities)
        self.names: list[IndexedName] = []
        postings: dict[str, list[int]] = defaultdict(list)
        token_df: dict[str, int] = defaultdict(int)
        for entity_index, entity in enumerate(self.entities):
            seen: set[str] = set()
            for name in entity.entry.all_names:
                normalized = normalize_name(name.value)
                if not normalized.tokens or normalized.text in seen:
                    continue
                seen.add(normalized.text)
                name_id = len(self.names)
                self.names.append(IndexedName(entity_index, name.value, name.alias_type, normalized))
                for key in name_keys(normalized):
                    postings[key].append(name_id)
                for token in set(normalized.tokens):
                    token_df[token] += 1
        total = max(len(self.names), 1)
        self.postings: dict[str, tuple[int, ...]] = {k: tuple(v) for k, v in postings.items()}
        self.key_idf = {k: math.log(1 + total / len(v)) for k, v in self.postings.items()}
        self.token_idf = {t: math.log(1 + total / df) for t, df in token_df.items()}
        self.default_idf = math.log(1 + total)  # a token no list name has: as rare as can be

    def idf(self, token: str) -> float:
        """Rarity of a token among all indexed names."""
        return self.token_idf.get(token, self.default_idf)

    def candidates(self, normalized: NormalizedName, limit: int = MAX_CANDIDATES) -> list[int]:
        """Name ids sharing keys with the query, best first by summed key rarity."""
        scores: dict[int, float] = defaultdict(float)
        for key in name_keys(normalized):
            posting = self.postings.get(key)
            if posting is None:
                continue
            weight = self.key_idf[key]
            for name_id in posting:
                scores[name_id] += weight
        # Always ranked: callers that filter keep the first eligible ones.
        return sorted(scores, key=scores.__getitem__, reverse=True)[:limit]

    def names_of(self, entity_indexes: Iterable[int]) -> list[int]:
        """Every name id of the given entities (for identifier matches)."""
        wanted = set(entity_indexes)
        return [i for i, n in enumerate(self.names) if n.entity_index in wanted]
