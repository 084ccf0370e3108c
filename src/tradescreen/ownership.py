"""Ownership and affiliation: who owns whom, on a date, and whether listed parties own 50%.

Edges come from the store's `relationships` table (curated ownership, "Linked To"
remarks, 1260H parents) and from user CSV files. Ownership is aggregated as OFAC's 50%
rule reads it (OFAC, "Revised Guidance on Entities Owned by Persons Whose Property and
Interests in Property Are Blocked", 2014-08-13): an entity owned 50% or more, directly or
indirectly, in the aggregate, by blocked persons is itself blocked, and the shares a
blocked entity holds count in full — they are not multiplied down the chain. It applies to
SDN owners always; to Entity List / MEU / MIEU owners while the BIS affiliates rule is in
force: 2025-09-29 to 2025-11-09, suspended 2025-11-10 through 2026-11-09, and again from
2026-11-10 unless the suspension was extended (an extension is unverified, so answers from
that date carry the flag).
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from threading import Lock

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tradescreen.domain import ListSource, Relationship, RelationshipType
from tradescreen.errors import InputError
from tradescreen.match.normalize import normalize_name
from tradescreen.store.schema import EntryRow, ListVersionRow, RelationshipRow

AFFILIATES_RULE_START = dt.date(2025, 9, 29)
AFFILIATES_RULE_SUSPENDED = dt.date(2025, 11, 10)  # suspension began (one year)
AFFILIATES_RULE_RESUMES = dt.date(2026, 11, 10)  # unless extended: unverified
OFAC_SOURCES = {ListSource.SDN}
BIS_SOURCES = {ListSource.EL, ListSource.MEU, ListSource.MIEU}
MAX_DEPTH = 5


@dataclass(frozen=True, slots=True)
class OwnershipPath:
    """A chain of owners ending at the party, and the share it carries."""

    owners: tuple[str, ...]  # ultimate owner first
    share: float  # percent of the party owned through this chain


@dataclass(frozen=True, slots=True)
class OwnershipFinding:
    """Listed parties' aggregate ownership of a party on a date."""

    party: str
    as_of: dt.date
    rule: str  # "OFAC 50% rule" or "BIS affiliates rule"
    total_share: float
    paths: tuple[OwnershipPath, ...]
    applies: bool  # True when >= 50% and the rule was in force on the date
    note: str


def _key(name: str) -> str:
    return normalize_name(name).text


_EDGES: dict[tuple[object, ...], list[Relationship]] = {}
_EDGES_LOCK = Lock()


def relationships_on(session: Session, date: dt.date) -> list[Relationship]:
    """Ownership edges valid on `date`, from active versions and user imports.

    Cached per database, date, active versions and imported edges: every screening asks
    for them, and reading and naming every edge takes far longer than the screening."""
    active_ids = tuple(session.scalars(select(ListVersionRow.id).where(ListVersionRow.active.is_(True))))
    count, last = session.execute(select(func.count(RelationshipRow.id), func.max(RelationshipRow.id))).one()
    key = (str(session.get_bind().engine.url), date, active_ids, count, last)
    with _EDGES_LOCK:
        cached = _EDGES.get(key)
    if cached is not None:
        return list(cached)
    edges = _relationships_on(session, date)
    with _EDGES_LOCK:
        if len(_EDGES) > 16:
            _EDGES.clear()
        _EDGES[key] = edges
    return list(edges)


def _relationships_on(session: Session, date: dt.date) -> list[Relationship]:
    active = select(ListVersionRow.id).where(ListVersionRow.active.is_(True))
    rows = session.scalars(
        select(RelationshipRow).where(
            (RelationshipRow.version_id.is_(None)) | (RelationshipRow.version_id.in_(active))
        )
    )
    valid = [
        r
        for r in rows
        if not (r.valid_from and r.valid_from > date) and not (r.valid_to and r.valid_to <= date)
    ]
    # Loads record one end as an entity id ("ofac_sdn:4358"); name it so it meets party names.
    names = _entity_names(session, {e for r in valid for e in (r.subject, r.object) if _is_entity_id(e)})
    return [
        Relationship(
            names.get(r.subject, r.subject),
            names.get(r.object, r.object),
            RelationshipType(r.type),
            r.share,
            r.valid_from,
            r.valid_to,
            r.source,
        )
        for r in valid
    ]


def _is_entity_id(value: str) -> bool:
    feed, sep, key = value.partition(":")
    return bool(sep and key and feed.replace("_", "").isalnum() and feed.islower())


def _entity_names(session: Session, ids: set[str]) -> dict[str, str]:
    active = select(ListVersionRow.id).where(ListVersionRow.active.is_(True))
    names: dict[str, str] = {}
    ordered = sorted(ids)
    for start in range(0, len(ordered), 500):  # bounded IN lists for every database
        chunk = ordered[start : start + 500]
        for entity_id, name in session.execute(
            select(EntryRow.entity_id, EntryRow.name).where(
                EntryRow.entity_id.in_(chunk), EntryRow.version_id.in_(active)
            )
        ):
            names[entity_id] = name
    return names


def links(edges: list[Relationship], party: str) -> list[Relationship]:
    """Edges touching `party` that carry no share (linked-to, affiliate, parent without a
    share): reported for review, never counted toward 50%."""
    key = _key(party)
    return [e for e in edges if e.share is None and (_key(e.subject) == key or _key(e.object) == key)]


def owners_graph(edges: list[Relationship]) -> dict[str, list[tuple[str, str, float | None]]]:
    """owned (normalised name) -> [(owner display name, owner key, share)]."""
    graph: dict[str, list[tuple[str, str, float | None]]] = defaultdict(list)
    for edge in edges:
        if edge.type is RelationshipType.OWNER:
            graph[_key(edge.object)].append((edge.subject, _key(edge.subject), edge.share))
        elif edge.type is RelationshipType.SUBSIDIARY:
            graph[_key(edge.subject)].append((edge.object, _key(edge.object), edge.share))
    return graph


def ownership_paths(graph: dict[str, list[tuple[str, str, float | None]]], party: str) -> list[OwnershipPath]:
    """Every owner chain above `party` (shares multiplied; unknown shares left out)."""
    paths: list[OwnershipPath] = []

    def walk(key: str, chain: tuple[str, ...], share: float, depth: int) -> None:
        for owner, owner_key, edge_share in graph.get(key, []):
            if owner in chain or depth >= MAX_DEPTH or edge_share is None:
                continue
            carried = share * edge_share / 100
            paths.append(OwnershipPath((owner, *chain), carried))
            walk(owner_key, (owner, *chain), carried, depth + 1)

    walk(_key(party), (party,), 100.0, 0)
    return paths


def affiliates_rule_in_force(date: dt.date) -> bool:
    """The BIS 50% affiliates rule: in force from 2025-09-29, suspended 2025-11-10 through
    2026-11-09, in force again from 2026-11-10 (unless extended: see the flag below)."""
    return AFFILIATES_RULE_START <= date < AFFILIATES_RULE_SUSPENDED or date >= AFFILIATES_RULE_RESUMES


def affiliates_rule_unverified(date: dt.date) -> bool:
    """From 2026-11-10 the answer rests on the suspension not having been extended."""
    return date >= AFFILIATES_RULE_RESUMES


def _blocked_chains(
    graph: dict[str, list[tuple[str, str, float | None]]],
    party: str,
    listed: dict[str, bool],
) -> list[OwnershipPath]:
    """Direct owners of `party` that are blocked (listed, or themselves >= 50% owned by
    blocked owners), each with a chain up to a listed owner and the share counted in full."""
    memo: dict[str, tuple[str, ...] | None] = {}

    def chain_of(key: str, display: str, seen: frozenset[str]) -> tuple[str, ...] | None:
        # The chain from a listed owner down to `display`, if `display` is blocked.
        if key in memo:
            return memo[key]
        if listed.get(display):
            memo[key] = (display,)
            return memo[key]
        if key in seen or len(seen) >= MAX_DEPTH:
            return None
        total, best = 0.0, None
        for owner, owner_key, share in graph.get(key, []):
            if share is None:
                continue
            above = chain_of(owner_key, owner, seen | {key})
            if above is not None:
                total += share
                best = best or above
        result = (*best, display) if best is not None and total >= 50 else None
        memo[key] = result
        return result

    paths = []
    party_key = _key(party)
    for owner, owner_key, share in graph.get(party_key, []):
        if share is None or owner_key == party_key:
            continue
        above = chain_of(owner_key, owner, frozenset({party_key}))
        if above is not None:
            paths.append(OwnershipPath((*above, party), share))
    return paths


def assess(
    session: Session, party: str, as_of: dt.date, listed_sources: dict[str, set[ListSource]]
) -> list[OwnershipFinding]:
    """Aggregate the shares listed owners hold in `party` on `as_of`.

    `listed_sources` maps an owner's name to the lists it was on that day (the caller
    resolves names, so this module needs no matcher).
    """
    graph = owners_graph(relationships_on(session, as_of))
    findings = []
    for rule, sources in (("OFAC 50% rule", OFAC_SOURCES), ("BIS affiliates rule", BIS_SOURCES)):
        flags = {name: bool(found & sources) for name, found in listed_sources.items()}
        listed = _blocked_chains(graph, party, flags)
        if not listed:
            continue
        total = min(100.0, sum(p.share for p in listed))
        in_force = rule.startswith("OFAC") or affiliates_rule_in_force(as_of)
        applies = total >= 50 and in_force
        why = (
            "suspended 2025-11-10 through 2026-11-09"
            if as_of >= AFFILIATES_RULE_SUSPENDED
            else f"in force only from {AFFILIATES_RULE_START}"
        )
        note = f"listed owners hold {total:.0f}% in the aggregate (blocked companies count in full)" + (
            ""
            if in_force
            else f"; the {rule} was not in force on {as_of} ({why}), so the "
            "listing does not extend to this party by ownership alone"
        )
        if not rule.startswith("OFAC") and in_force and affiliates_rule_unverified(as_of):
            note += (
                "; the rule applies again from 2026-11-10 unless the suspension was extended "
                "(extension unverified)"
            )
        findings.append(OwnershipFinding(party, as_of, rule, total, tuple(listed), applies, note))
    return findings


def listed_owner_names(paths: list[OwnershipPath]) -> list[str]:
    """The ultimate owners of the paths, to resolve against the lists."""
    return list(dict.fromkeys(p.owners[0] for p in paths))


def import_csv(session: Session, path: Path) -> int:
    """Import user ownership edges: columns owner,owned,share[,valid_from,valid_to,source]."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read as UTF-8 ({exc})", file=str(path)) from exc
    reader = csv.DictReader(text.splitlines())
    for column in ("owner", "owned", "share"):
        if column not in (reader.fieldnames or []):
            raise InputError(f"missing column {column!r}", file=str(path), line=1, field=column)
    rows = []
    for row in reader:
        line = reader.line_num
        owner, owned = (row.get("owner") or "").strip(), (row.get("owned") or "").strip()
        if not owner or not owned:
            raise InputError("empty name", file=str(path), line=line, field="owner" if not owner else "owned")
        try:
            share = float(row["share"])
        except (TypeError, ValueError) as exc:
            raise InputError(
                f"not a number: {row['share']!r}", file=str(path), line=line, field="share"
            ) from exc
        if not 0 <= share <= 100:
            raise InputError("must be between 0 and 100", file=str(path), line=line, field="share")
        dates = {}
        for column in ("valid_from", "valid_to"):
            value = (row.get(column) or "").strip()
            try:
                dates[column] = dt.date.fromisoformat(value) if value else None
            except ValueError as exc:
                raise InputError(f"not a date: {value!r}", file=str(path), line=line, field=column) from exc
        rows.append(
            RelationshipRow(
                subject=owner,
                object=owned,
                type="owner",
                share=share,
                valid_from=dates["valid_from"],
                valid_to=dates["valid_to"],
                source=(row.get("source") or f"user: {path.name}").strip(),
            )
        )
    session.add_all(rows)
    return len(rows)


__all__ = ["assess", "import_csv", "links", "ownership_paths"]
