"""Screening parties against a set of list entities (the index and the scoring).

`Screener.build(entities)` indexes every name once; `screen(party)` normalises the
party's name, fetches candidates from the index, scores them, and returns the best hit
per list entry with an explanation. The screener holds only plain data, so it pickles
to batch and Dask workers. Building it from the store, caching it and deciding which
matches are hits on a date is the screening service's job (`services.screening`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from dataclasses import dataclass

from tradescreen.domain import (
    AliasType,
    Entity,
    EntityKind,
    Hit,
    ListSource,
    Party,
)
from tradescreen.match.index import NameIndex
from tradescreen.match.normalize import normalize_name, validate_name
from tradescreen.match.persons import dob_agreement, parse_party_dob
from tradescreen.match.score import (
    COUNTRY_MATCH_BONUS,
    COUNTRY_MISMATCH_PENALTY,
    compare_normalized,
    explain,
    feature_details,
)

# Chosen on the evaluation set (bench/matching): see docs/matching.md.
DEFAULT_THRESHOLD = 0.92
WEAK_ALIAS_FACTOR = 0.92  # OFAC "weak" aliases are low-quality: scored down
ADDRESS_MATCH_BONUS = 0.02  # small: an address alone never makes a hit
DOB_MATCH_BONUS = 0.02
# A list date of birth more than a year off takes an exact-name hit (0.99) below the
# default threshold: the listed person is someone else unless other facts say otherwise.
DOB_CONFLICT_PENALTY = 0.15
NATIONALITY_MATCH_BONUS = 0.01
NATIONALITY_MISMATCH_PENALTY = 0.05
CANDIDATES_SCORED = 20  # best candidates by shared-key rarity that get full scoring


@dataclass(frozen=True, slots=True)
class PairScore:
    """The result of comparing two names."""

    score: float
    explanation: str
    features: dict[str, dict[str, float | str]]


def compare(name1: str, name2: str, kind: EntityKind | None = None) -> PairScore:
    """Score two names against each other (no list needed); rarity is neutral here."""
    del kind  # names are scored the same way; the type only matters against a list
    # A pair tool keeps every row (compare-file documents score 0 for an empty name);
    # screening a party, by contrast, refuses a name with nothing to screen.
    a, b = normalize_name(name1), normalize_name(name2)
    comparison = compare_normalized(a, b, {}, 1.0)
    return PairScore(round(comparison.score, 4), explain(comparison, a, b), feature_details(comparison, a, b))


class Screener:
    """An index over a fixed set of list entities, ready to screen parties."""

    def __init__(self, index: NameIndex) -> None:
        self.index = index
        self._by_identifier: dict[tuple[str, str], list[int]] = {}
        # Kept with the index, so that a reopened (lazily unpickled) index answers "which
        # entity is this id" and "how far back do the lists go" without reading every entity.
        self.positions: dict[str, int] = {e.id: i for i, e in enumerate(index.entities)}
        starts = [e.entry.start_date for e in index.entities if e.entry.start_date]
        self.earliest_start: dt.date | None = min(starts) if starts else None
        for i, entity in enumerate(index.entities):
            for ident in entity.entry.identifiers:
                self._by_identifier.setdefault((ident.type, ident.value.upper()), []).append(i)
        # (entity index, compact name) of every weak alias: a query that IS an entity's
        # weak alias must not hit that entity through another of its names either
        # (the acronym of its full name, a near spelling).
        self._weak_aliases = {
            (named.entity_index, named.normalized.compact)
            for named in index.names
            if named.alias_type is AliasType.WEAK
        }

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
        query = validate_name(party.name, "name")
        if party.dob:
            parse_party_dob(party.dob)  # a malformed date fails before any work
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
            person = entity.entry.kind is EntityKind.INDIVIDUAL
            comparison = compare_normalized(
                query, indexed.normalized, self.index.token_idf, self.index.default_idf, person=person
            )
            # Name features are spelled out only for hits (below): most candidates fail.
            features: dict[str, dict[str, float | str]] = {}
            score = comparison.score
            notes: list[str] = []
            if indexed.alias_type is AliasType.WEAK or (
                (indexed.entity_index, query.compact) in self._weak_aliases
                and indexed.normalized.compact != query.compact
            ):
                # OFAC does not expect weak AKAs to be screened alone: below the alert
                # threshold unless other facts (date of birth, identifiers) agree.
                score = min(score * WEAK_ALIAS_FACTOR, DEFAULT_THRESHOLD - 0.02)
                weak = (
                    f"weak alias {indexed.value!r}"
                    if indexed.alias_type is AliasType.WEAK
                    else "the name screened is a weak alias of this entry"
                )
                features["weak_alias"] = {"score": 1.0, "detail": weak}
                notes.append("weak alias (scored down; not a hit on its own)")
            score = self._attributes(party, entity, score, features, notes)
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
                features["country"] = {
                    "score": 1.0 if "agrees" in country_note else 0.0,
                    "detail": country_note,
                }
            if party.address and entity.entry.addresses:
                place = _address_agreement(party.address, entity)
                if place:
                    score = min(1.0, score + ADDRESS_MATCH_BONUS)
                    agreed = f"address agrees ({place})"
                    country_note = f"{country_note}; {agreed}" if country_note else agreed
                    features["address"] = {"score": 1.0, "detail": agreed}
            if notes:
                country_note = "; ".join([*notes, *([country_note] if country_note else [])])
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
                features["identifier"] = {"score": 1.0, "detail": identifier_note}
            if score < threshold:
                continue
            previous = best.get(indexed.entity_index)
            if previous is not None and previous[0] >= score:
                continue
            features = {**feature_details(comparison, query, indexed.normalized), **features}
            best[indexed.entity_index] = (
                score,
                Hit(
                    entity_id=entity.id,
                    source=entity.source,
                    list_name=entity.name,
                    matched_name=indexed.value,
                    score=round(score, 4),
                    explanation=explain(
                        comparison,
                        query,
                        indexed.normalized,
                        country_note=country_note,
                        identifier_note=identifier_note,
                    ),
                    programs=entity.entry.programs,
                    features=features,
                ),
            )
        ranked = sorted(best.values(), key=lambda pair: (-pair[0], pair[1].entity_id))
        return [hit for _score, hit in ranked[:top]]

    @staticmethod
    def _attributes(
        party: Party,
        entity: Entity,
        score: float,
        features: dict[str, dict[str, float | str]],
        notes: list[str],
    ) -> float:
        """Date of birth, nationality and ID number: agreement raises, conflict lowers."""
        entry = entity.entry
        if party.dob and entry.dates_of_birth:
            found = dob_agreement(party.dob, entry.dates_of_birth)
            if found is not None:
                verdict, detail = found
                if verdict == "agree":
                    score = min(1.0, score + DOB_MATCH_BONUS)
                elif verdict == "conflict":
                    score = max(0.0, score - DOB_CONFLICT_PENALTY)
                features["dob"] = {"score": {"agree": 1.0, "near": 0.5}.get(verdict, 0.0), "detail": detail}
                notes.append(detail)
        if party.nationality and entry.nationalities:
            wanted = party.nationality.upper()
            if wanted in entry.nationalities:
                score = min(1.0, score + NATIONALITY_MATCH_BONUS)
                detail = f"nationality {wanted} agrees"
            else:
                score = max(0.0, score - NATIONALITY_MISMATCH_PENALTY)
                detail = f"nationality {wanted} differs from {'/'.join(entry.nationalities)}"
            features["nationality"] = {"score": 1.0 if "agrees" in detail else 0.0, "detail": detail}
            notes.append(detail)
        if party.id_number:
            wanted_id = _id_key(party.id_number)
            if any(_id_key(i.value) == wanted_id for i in entry.identifiers):
                score = max(score, 0.99)
                detail = f"ID number {party.id_number} equal"
                features["id_number"] = {"score": 1.0, "detail": detail}
                notes.append(detail)
        return score

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


def _id_key(value: str) -> str:
    return "".join(c for c in value.upper() if c.isalnum())


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
