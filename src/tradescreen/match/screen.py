"""Screening parties against the lists: one at a time, many, or from the store.

`Screener.build(entities)` indexes every name once; `screen(party)` normalises the
party's name, fetches candidates from the index, scores them, and returns the best hit
per list entry with an explanation. The screener holds only plain data, so it pickles
to batch and Dask workers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from sqlalchemy.orm import Session

from tradescreen.domain import (
    AliasType,
    Entity,
    EntityKind,
    Hit,
    ListSource,
    Party,
    ScreeningResult,
)
from tradescreen.match.index import NameIndex
from tradescreen.match.normalize import NormalizedName, normalize_name
from tradescreen.match.score import (
    COUNTRY_MATCH_BONUS,
    COUNTRY_MISMATCH_PENALTY,
    compare_normalized,
    explain,
)

# Chosen on the evaluation set (bench/matching): see docs/matching.md.
DEFAULT_THRESHOLD = 0.92
WEAK_ALIAS_FACTOR = 0.92  # OFAC "weak" aliases are low-quality: scored down
ADDRESS_MATCH_BONUS = 0.02  # small: an address alone never makes a hit
CANDIDATES_SCORED = 20  # best candidates by shared-key rarity that get full scoring


@dataclass(frozen=True, slots=True)
class PairScore:
    """The result of comparing two names."""

    score: float
    explanation: str
    features: dict[str, float]


def compare(name1: str, name2: str, kind: EntityKind | None = None) -> PairScore:
    """Score two names against each other (no list needed); rarity is neutral here."""
    del kind  # names are scored the same way; the type only matters against a list
    a, b = normalize_name(name1), normalize_name(name2)
    comparison = compare_normalized(a, b, {}, 1.0)
    return PairScore(round(comparison.score, 4), explain(comparison, a, b), comparison.features)


class Screener:
    """An index over a fixed set of list entities, ready to screen parties."""

    def __init__(self, index: NameIndex) -> None:
        self.index = index
        self._by_identifier: dict[tuple[str, str], list[int]] = {}
        for i, entity in enumerate(index.entities):
            for ident in entity.entry.identifiers:
                self._by_identifier.setdefault((ident.type, ident.value.upper()), []).append(i)

    @classmethod
    def build(cls, entities: Sequence[Entity]) -> Screener:
        """Index the names of `entities`."""
        return cls(NameIndex(entities))

    @property
    def entities(self) -> list[Entity]:
        """The indexed entities."""
        return self.index.entities

    def screen(
        self,
        party: Party,
        *,
        threshold: float | None = None,
        top: int = 10,
        sources: Collection[ListSource] | None = None,
    ) -> list[Hit]:
        """Hits for `party` scoring at least `threshold`, best first, one per entity."""
        threshold = DEFAULT_THRESHOLD if threshold is None else threshold
        query = normalize_name(party.name)
        if not query.tokens:
            return []
        wanted_kind = party.kind
        if wanted_kind is None and query.legal_forms:
            wanted_kind = EntityKind.ENTITY  # "Co., Ltd." is never a person
        best: dict[int, tuple[float, Hit]] = {}
        id_matches = self._identifier_matches(party)
        filtered = sources is not None or wanted_kind is not None
        # With a list or type filter, the best names overall may all be filtered out
        # (e.g. companies when screening a person): take more, keep the best eligible.
        candidate_ids = self.index.candidates(query, limit=CANDIDATES_SCORED * (10 if filtered else 1))
        if filtered:
            candidate_ids = [i for i in candidate_ids if self._eligible(i, sources, wanted_kind)][
                :CANDIDATES_SCORED
            ]
        if id_matches:
            candidate_ids = list(dict.fromkeys([*candidate_ids, *self.index.names_of(id_matches)]))
        for name_id in candidate_ids:
            indexed = self.index.names[name_id]
            entity = self.index.entities[indexed.entity_index]
            if not self._eligible(name_id, sources, wanted_kind):
                continue
            comparison = compare_normalized(
                query, indexed.normalized, self.index.token_idf, self.index.default_idf
            )
            score = comparison.score
            if indexed.alias_type is AliasType.WEAK:
                score *= WEAK_ALIAS_FACTOR
            country_note = None
            if party.country and entity.entry.countries:
                if party.country.upper() in entity.entry.countries:
                    score = min(1.0, score + COUNTRY_MATCH_BONUS)
                    country_note = f"country {party.country.upper()} agrees"
                else:
                    score = max(0.0, score - COUNTRY_MISMATCH_PENALTY)
                    country_note = (
                        f"country {party.country.upper()} differs from {'/'.join(entity.entry.countries)}"
                    )
            if party.address and entity.entry.addresses:
                place = _address_agreement(party.address, entity)
                if place:
                    score = min(1.0, score + ADDRESS_MATCH_BONUS)
                    agreed = f"address agrees ({place})"
                    country_note = f"{country_note}; {agreed}" if country_note else agreed
            identifier_note = None
            if indexed.entity_index in id_matches:
                score = max(score, 0.99)
                identifier_note = "identifier equal: " + ", ".join(
                    f"{i.type} {i.value}"
                    for i in party.identifiers
                    if any(
                        i.type == e.type and i.value.upper() == e.value.upper()
                        for e in entity.entry.identifiers
                    )
                )
            if score < threshold:
                continue
            previous = best.get(indexed.entity_index)
            if previous is not None and previous[0] >= score:
                continue
            best[indexed.entity_index] = (
                score,
                self._hit(
                    entity,
                    indexed.value,
                    indexed.normalized,
                    query,
                    comparison,
                    score,
                    country_note,
                    identifier_note,
                ),
            )
        ranked = sorted(best.values(), key=lambda pair: (-pair[0], pair[1].entity_id))
        return [hit for _score, hit in ranked[:top]]

    def _eligible(
        self, name_id: int, sources: Collection[ListSource] | None, wanted_kind: EntityKind | None
    ) -> bool:
        entity = self.index.entities[self.index.names[name_id].entity_index]
        if sources is not None and entity.source not in sources:
            return False
        return wanted_kind is None or not _kind_conflict(wanted_kind, entity.entry.kind)

    def _identifier_matches(self, party: Party) -> set[int]:
        found: set[int] = set()
        for ident in party.identifiers:
            found.update(self._by_identifier.get((ident.type.upper(), ident.value.upper()), ()))
        return found

    @staticmethod
    def _hit(
        entity: Entity,
        matched: str,
        normalized: NormalizedName,
        query: NormalizedName,
        comparison: object,
        score: float,
        country_note: str | None,
        identifier_note: str | None,
    ) -> Hit:
        from tradescreen.match.score import Comparison

        assert isinstance(comparison, Comparison)
        return Hit(
            entity_id=entity.id,
            source=entity.source,
            list_name=entity.name,
            matched_name=matched,
            score=round(score, 4),
            explanation=explain(
                comparison, query, normalized, country_note=country_note, identifier_note=identifier_note
            ),
            programs=entity.entry.programs,
            features={k: round(v, 4) for k, v in comparison.features.items()},
        )


def _address_agreement(address: str, entity: Entity) -> str | None:
    """The city (or street) of one of the entry's addresses found in the party's address.

    Agreement raises the score a little; disagreement does not lower it, because parties
    move and lists keep old addresses.
    """
    words = set(normalize_name(address).tokens)
    if not words:
        return None
    for listed in entity.entry.addresses:
        for part in (listed.city, listed.street):
            # Letters only: postal codes inside the city field ("Zurich CH-8022") vary.
            tokens = [t for t in normalize_name(part).tokens if t.isalpha()] if part else []
            if tokens and set(tokens) <= words:
                return part
    return None


def _kind_conflict(wanted: EntityKind, listed: EntityKind) -> bool:
    # Someone screening a person should not see companies, and the reverse; vessels and
    # aircraft are entities for this purpose.
    return (wanted is EntityKind.INDIVIDUAL) != (listed is EntityKind.INDIVIDUAL)


_CACHE: dict[tuple[str, str, str | None], Screener] = {}
_CACHE_LOCK = Lock()


def index_dir(session: Session) -> Path:
    """Where persisted indexes of this database live: beside an SQLite file, else in the
    data directory under a name derived from the database URL."""
    url = session.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database).resolve()
        return db.parent / f"{db.name}.index"
    from tradescreen.config import load_settings

    where = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return load_settings().data_dir / "index" / where


def _versions_fingerprint(session: Session, every_version: bool) -> str:
    """What the index was built from: each version's id, feed, file digest and load time
    (ids alone can be reused after a delete)."""
    from sqlalchemy import select

    from tradescreen.store.schema import ListVersionRow

    row = ListVersionRow
    stmt = select(row.id, row.feed, row.sha256, row.row_count, row.loaded_at).order_by(row.id)
    if not every_version:
        stmt = stmt.where(ListVersionRow.active.is_(True))
    rows = session.execute(stmt).all()
    return ";".join(
        f"{i}:{feed}:{sha}:{count}:{loaded.isoformat() if loaded else ''}"
        for i, feed, sha, count, loaded in rows
    )


def screener_for(
    session: Session, as_of: dt.date | None = None, *, every_version: bool = False
) -> tuple[Screener, tuple[int, ...]]:
    """A screener over the active versions (or what was listed on `as_of`; or, with
    `every_version`, every entity any version ever held, for resolving names in history),
    cached in memory and persisted beside the database per set of versions, so a new load
    is picked up at once and a new process opens the index instead of rebuilding it."""
    from tradescreen.history import all_entities, entities_as_of
    from tradescreen.match.persist import load_or_build
    from tradescreen.store.versions import active_entities, active_versions

    version_ids = tuple(v.id for v in active_versions(session))
    bind = session.get_bind()
    # An as_of screener depends on every version's entries and events, not only the active ones.
    fingerprint = _versions_fingerprint(session, every_version or as_of is not None)
    scope = "all" if every_version else "active" if as_of is None else f"as-of-{as_of.isoformat()}"
    url = bind.engine.url.render_as_string(hide_password=True)
    key = (url, fingerprint, scope)
    with _CACHE_LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached, version_ids

    def build() -> Screener:
        if every_version:
            return Screener.build(all_entities(session))
        return Screener.build(entities_as_of(session, as_of) if as_of else active_entities(session))

    screener = load_or_build(
        index_dir(session), f"{url}|{scope}|{fingerprint}", build, Screener, family=scope
    )
    with _CACHE_LOCK:
        if len(_CACHE) > 8:
            _CACHE.clear()
        _CACHE[key] = screener
    return screener, version_ids


def screen_parties(
    session: Session,
    parties: Sequence[Party],
    *,
    as_of: dt.date | None = None,
    sources: Collection[ListSource] | None = None,
    threshold: float | None = None,
    top: int = 10,
) -> list[ScreeningResult]:
    """Screen parties against the store's lists (as they stood on `as_of` when given)."""
    screener, version_ids = screener_for(session, as_of)
    return [
        ScreeningResult(
            party,
            tuple(screener.screen(p, threshold=threshold, top=top, sources=sources)),
            as_of,
            version_ids,
        )
        for p in parties
        for party in (p,)
    ]
