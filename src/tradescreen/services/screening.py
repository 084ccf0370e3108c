"""Screening, one party or many or a file: the one implementation every front end calls.

The flow, for every front end alike:

1. refuse when no official list is loaded (fail closed), and name the versions used;
2. match the name against every entity ever held (one cached index);
3. give each matched entry its membership state on the date asked (default today):
   listed, enjoined, removed, expired or not yet listed; only listed and enjoined are live;
4. merge entries of different lists that are one real-world entity (a shared identifier,
   or the same normalised name and country), saying why;
5. record the screening (audit log) and raise or update alerts for live results only.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from tradescreen.batch import OUTPUT_COLUMNS, BatchSummary, screen_csv
from tradescreen.domain import (
    LIST_TITLES,
    Entity,
    Hit,
    ListSource,
    MembershipState,
    Party,
    ScreeningResult,
)
from tradescreen.errors import InputError
from tradescreen.history import ListingState, ListingStatus, status_report
from tradescreen.match.normalize import normalize_name, validate_name
from tradescreen.match.persons import parse_party_dob
from tradescreen.ownership import relationships_on
from tradescreen.review import record_screening
from tradescreen.rules.licensing import ownership_flags
from tradescreen.services.lists import check_as_of, require_official_lists, staleness_warnings
from tradescreen.services.models import (
    BatchResponse,
    BatchSummaryOut,
    EntityOut,
    FeatureOut,
    IdentifierOut,
    ListUsed,
    MembershipOut,
    OwnerOut,
    OwnershipFlagOut,
    ScreeningQuery,
    ScreeningResponse,
    ScreeningResultOut,
)
from tradescreen.services.screeners import IndexedLists, screener_for
from tradescreen.sources.base import sha256_of
from tradescreen.store import audit

# A merged result may hold several entries: ask the matcher for more than `top` so that
# merging and dropping ended listings still leave `top` results.
CANDIDATE_FACTOR = 3
CANDIDATE_EXTRA = 10
# The screen-file CSV: the historical columns, then state, since and lists at the end.
CSV_COLUMNS = (*OUTPUT_COLUMNS, "state", "since", "lists")


def membership_state(status: ListingStatus) -> MembershipState:
    """The result vocabulary for a listing state on a date."""
    if status.state in (ListingState.LISTED, ListingState.LISTED_UNKNOWN_START):
        return MembershipState.LISTED
    if status.state is ListingState.ENJOINED:
        return MembershipState.ENJOINED
    if status.state is ListingState.NOT_YET_LISTED:
        return MembershipState.NOT_YET_LISTED
    return MembershipState.EXPIRED if status.ended_by_list_date else MembershipState.REMOVED


def parse_states(values: Collection[str] | None, field: str = "state") -> set[MembershipState] | None:
    """`listed,removed` -> states; an unknown state is an error naming the field."""
    if not values:
        return None
    wanted: set[MembershipState] = set()
    for value in values:
        for part in str(value).split(","):
            code = part.strip().lower()
            if not code:
                continue
            try:
                wanted.add(MembershipState(code))
            except ValueError as exc:
                known = ", ".join(s.value for s in MembershipState)
                raise InputError(f"unknown state {code!r} (one of {known})", field=field) from exc
    return wanted or None


def parse_sources(value: str | Collection[str] | None, field: str = "sources") -> set[ListSource] | None:
    """`EL,SDN` -> list codes; an unknown code is an error naming the field."""
    if not value:
        return None
    parts = value.split(",") if isinstance(value, str) else [p for v in value for p in v.split(",")]
    codes = {c.strip().upper() for c in parts if c.strip()}
    known = {s.value.upper(): s for s in ListSource}
    unknown = sorted(codes - set(known))
    if unknown:
        raise InputError(
            f"unknown list {unknown[0]!r}; known: {', '.join(s.value for s in ListSource)}", field=field
        )
    return {known[c] for c in codes}


@dataclass
class ScreeningContext:
    """What every screening of one request shares: the index, the lists, the date."""

    session: Session
    indexed: IndexedLists
    lists: list[ListUsed]
    warnings: list[str]
    as_of: dt.date
    sources: set[ListSource] | None = None
    states: set[MembershipState] | None = None
    threshold: float | None = None
    top: int = 10
    include_ended: bool = False
    actor: str = "unknown"
    record: bool = True
    _relationships: list[Any] | None = field(default=None, repr=False)

    @property
    def version_ids(self) -> tuple[int, ...]:
        """The active versions the answer stands on."""
        return tuple(item.version for item in self.lists)


def open_context(
    session: Session,
    *,
    as_of: dt.date | None = None,
    sources: set[ListSource] | None = None,
    states: set[MembershipState] | None = None,
    threshold: float | None = None,
    top: int = 10,
    include_ended: bool = False,
    actor: str,
    record: bool = True,
) -> ScreeningContext:
    """Check the store can answer (fail closed) and the inputs are sound."""
    if threshold is not None and not 0 <= threshold <= 1:
        raise InputError("must be between 0 and 1", field="threshold")
    if top < 1:
        raise InputError("must be at least 1", field="top")
    lists = require_official_lists(session)
    indexed = screener_for(session)
    day = as_of or dt.date.today()
    check_as_of(day, indexed.earliest)
    return ScreeningContext(
        session=session,
        indexed=indexed,
        lists=lists,
        warnings=staleness_warnings(lists),
        as_of=day,
        sources=sources,
        states=states,
        threshold=threshold,
        top=top,
        # Asking for ended states implies showing them.
        include_ended=include_ended or bool(states and not all(s.live for s in states)),
        actor=actor,
        record=record,
    )


def _query(ctx: ScreeningContext, party: Party) -> ScreeningQuery:
    return ScreeningQuery(
        name=party.name,
        id=party.id,
        country=party.country,
        address=party.address,
        type=party.kind,
        dob=party.dob,
        nationality=party.nationality,
        id_number=party.id_number,
        sources=sorted(s.value for s in ctx.sources or ()),
        threshold=ctx.threshold,
        top=ctx.top,
        include_ended=ctx.include_ended,
    )


def _membership(entity: Entity, status: ListingStatus, hit: Hit) -> MembershipOut:
    state = membership_state(status)
    entry = entity.entry
    if state is MembershipState.NOT_YET_LISTED:
        since, until = status.listed_later, None
    else:
        since = status.listed_from or (status.since if state.live else None)
        until = status.ended_on if not state.live else None
    return MembershipOut(
        list=entry.source.value,
        list_title=LIST_TITLES[entry.source],
        source=entity.feed,
        entry_id=entity.id,
        name=entry.name,
        state=state,
        since=since,
        until=until,
        license_requirement=status.license_requirement,
        review_policy=status.license_policy,
        programs=list(entry.programs),
        citations=[c.text for c in status.citations],
        score=hit.score,
        matched_name=hit.matched_name,
    )


def _merge(
    members: list[tuple[Hit, Entity, MembershipOut]],
) -> list[tuple[list[int], list[str]]]:
    """Groups of member indexes that are one real-world entity, with the reasons."""
    parent = list(range(len(members)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    reasons: dict[int, list[str]] = {}
    first_by_key: dict[tuple[str, ...], int] = {}
    for i, (_hit, entity, _m) in enumerate(members):
        entry = entity.entry
        keys: list[tuple[tuple[str, ...], str]] = [
            (("id", ident.type.upper(), ident.value.strip().upper()), f"shared {ident.type} {ident.value}")
            for ident in entry.identifiers
            if ident.value.strip()
        ]
        text = normalize_name(entry.name).text
        if text:
            keys += [
                (("name", text, country), f"same name '{text}' and country {country}")
                for country in entry.countries
            ]
        for key, why in keys:
            j = first_by_key.setdefault(key, i)
            if j == i:
                continue
            a, b = find(i), find(j)
            if a != b:
                parent[a] = b
                reasons.setdefault(i, []).append(f"{why}: {entity.id} and {members[j][1].id}")
    groups: dict[int, list[int]] = {}
    for i in range(len(members)):
        groups.setdefault(find(i), []).append(i)
    out = []
    for indexes in groups.values():
        out.append((indexes, [r for i in indexes for r in reasons.get(i, [])]))
    return out


def _owners(ctx: ScreeningContext, name: str) -> list[OwnerOut]:
    if ctx._relationships is None:
        ctx._relationships = relationships_on(ctx.session, ctx.as_of)
    wanted = normalize_name(name).text
    return [
        OwnerOut(
            owner=r.subject,
            share=r.share,
            valid_from=r.valid_from,
            valid_to=r.valid_to,
            source=r.source,
        )
        for r in ctx._relationships
        if wanted and normalize_name(r.object).text == wanted
    ]


def build_results(ctx: ScreeningContext, hits: Sequence[Hit]) -> list[ScreeningResultOut]:
    """From the matcher's hits (one per entry) to results (one per real-world entity)."""
    by_id = ctx.indexed.by_id
    report = status_report(ctx.session, [h.entity_id for h in hits if h.entity_id in by_id], ctx.as_of)
    statuses = {s.entity_id: s for s in report.listings}
    members: list[tuple[Hit, Entity, MembershipOut]] = []
    for hit in hits:
        entity, status = by_id.get(hit.entity_id), statuses.get(hit.entity_id)
        if entity is None or status is None:
            continue
        membership = _membership(entity, status, hit)
        if not membership.live and not ctx.include_ended:
            continue  # ended or future listings are history: shown only when asked
        if ctx.states is not None and membership.state not in ctx.states:
            continue
        members.append((hit, entity, membership))
    results = []
    for indexes, why in _merge(members):
        group = sorted(
            (members[i] for i in indexes),
            key=lambda m: (not m[2].live, -m[0].score, m[1].feed in ("curated", "erc"), m[1].id),
        )
        best_hit, primary, _ = max(group, key=lambda m: (m[0].score, m[2].live))
        identifiers: dict[tuple[str, str], IdentifierOut] = {}
        addresses: dict[str, None] = {}
        countries: dict[str, None] = {}
        for _h, entity, _m in group:
            for ident in entity.entry.identifiers:
                identifiers.setdefault(
                    (ident.type.upper(), ident.value.upper()),
                    IdentifierOut(type=ident.type, value=ident.value, country=ident.country),
                )
            addresses.update(dict.fromkeys(a.full for a in entity.entry.addresses if a.full))
            countries.update(dict.fromkeys(entity.entry.countries))
        memberships = [m for _h, _e, m in group]
        results.append(
            ScreeningResultOut(
                entity=EntityOut(
                    id=primary.id,
                    name=primary.name,
                    type=primary.entry.kind,
                    countries=list(countries),
                    addresses=list(addresses),
                    identifiers=list(identifiers.values()),
                ),
                score=best_hit.score,
                matched_name=best_hit.matched_name,
                explanation=best_hit.explanation,
                features={
                    k: FeatureOut(score=float(v.get("score", 0.0)), detail=str(v.get("detail", "")))
                    for k, v in best_hit.features.items()
                },
                memberships=memberships,
                owners=_owners(ctx, primary.name),
                merged_because=why,
                hit=any(m.live for m in memberships),
            )
        )
    results.sort(key=lambda r: (not r.hit, -r.score, r.entity.id))
    return results[: ctx.top]


def _alert_hits(results: Sequence[ScreeningResultOut]) -> tuple[Hit, ...]:
    """One alert per live result (the merged entity), never for ended memberships."""
    out = []
    for r in results:
        live = [m for m in r.memberships if m.live]
        if not live:
            continue
        out.append(
            Hit(
                entity_id=r.entity.id,
                source=ListSource(live[0].list),
                list_name=r.entity.name,
                matched_name=r.matched_name,
                score=r.score,
                explanation=r.explanation + f" [on: {', '.join(m.list for m in live)}]",
                programs=tuple(dict.fromkeys(p for m in live for p in m.programs)),
            )
        )
    return tuple(out)


def respond(ctx: ScreeningContext, party: Party, hits: Sequence[Hit]) -> ScreeningResponse:
    """The answer for one party from its raw matcher hits: results, ownership, record."""
    results = build_results(ctx, hits)
    flags = [
        OwnershipFlagOut(rule=f.rule, summary=f.summary, citation=f.citation, verified=f.verified)
        for f in ownership_flags(ctx.session, party.name, ctx.as_of, ctx.indexed.screener)
    ]
    response = ScreeningResponse(
        query=_query(ctx, party),
        as_of=ctx.as_of,
        lists=ctx.lists,
        warnings=ctx.warnings,
        results=results,
        ownership=flags,
        hit=any(r.hit for r in results),
    )
    if not ctx.record:
        return response
    recorded = record_screening(
        ctx.session,
        ScreeningResult(party, _alert_hits(results), ctx.as_of, ctx.version_ids),
        actor=ctx.actor,
        customer_id=party.id,
        details=[r.model_dump(mode="json") for r in results],
        ownership=[f.model_dump(mode="json") for f in flags],
    )
    return response.model_copy(
        update={"screening_id": recorded.screening_id, "alerts": recorded.new_alerts + recorded.seen_alerts}
    )


def _match(ctx: ScreeningContext, party: Party) -> list[Hit]:
    # The party was checked (check_party): the matcher's own InputError for a name with
    # nothing to screen is never turned into a silent "no hits".
    return ctx.indexed.screener.screen(
        party,
        threshold=ctx.threshold,
        top=ctx.top * CANDIDATE_FACTOR + CANDIDATE_EXTRA,
        sources=ctx.sources,
    )


def check_party(party: Party, *, fields: dict[str, str] | None = None, prefix: str = "") -> Party:
    """The party with its person attributes tidied, or InputError naming the field.

    Refuses what the matcher would refuse, before any work or record: an empty name, or
    one made only of punctuation, a legal form or a title; a date of birth that is not
    YYYY-MM-DD, YYYY-MM or YYYY; a nationality that is not two letters. `fields` maps
    name, dob, nationality and id_number to the front end's own words for them (CLI
    `NAME`, `--dob`); `prefix` locates the party in a request (`parties.3.`).
    """
    where = {f: prefix + (fields or {}).get(f, f) for f in ("name", "dob", "nationality", "id_number")}
    if not party.name.strip():
        raise InputError("empty name", field=where["name"])
    validate_name(party.name, where["name"])
    dob = (party.dob or "").strip() or None
    if dob is not None:
        parse_party_dob(dob, field=where["dob"])
    nationality = (party.nationality or "").strip().upper() or None
    if nationality is not None and not (len(nationality) == 2 and nationality.isalpha()):
        raise InputError(f"{nationality!r} is not a two-letter ISO country code", field=where["nationality"])
    id_number = (party.id_number or "").strip() or None
    if id_number is not None and len(id_number) > 100:
        raise InputError("longer than 100 characters", field=where["id_number"])
    return replace(party, dob=dob, nationality=nationality, id_number=id_number)


def screen_party(session: Session, party: Party, **options: Any) -> ScreeningResponse:
    """Screen one party: the answer, recorded (audit record, alerts for live results).

    Options: as_of, sources, states, threshold, top, include_ended, actor, record.
    """
    party = check_party(party)
    ctx = open_context(session, **options)
    return respond(ctx, party, _match(ctx, party))


def screen_parties(session: Session, parties: Sequence[Party], **options: Any) -> BatchResponse:
    """Screen many parties in input order, each recorded like a single screening."""
    parties = [check_party(p, prefix=f"parties.{i}.") for i, p in enumerate(parties)]
    ctx = open_context(session, **options)
    return BatchResponse(
        as_of=ctx.as_of,
        lists=ctx.lists,
        warnings=ctx.warnings,
        results=[respond(ctx, p, _match(ctx, p)) for p in parties],
    )


def csv_rows(party: Party, response: ScreeningResponse) -> list[dict[str, Any]]:
    """The screen-file rows of one party: one per result (a merged entity)."""
    rows = []
    for rank, r in enumerate(response.results, start=1):
        first = next((m for m in r.memberships if m.live), r.memberships[0])
        rows.append(
            {
                "id": party.id,
                "name": party.name,
                "rank": rank,
                "score": f"{r.score:.4f}",
                "entity_id": r.entity.id,
                "source": first.list,
                "list_name": r.entity.name,
                "matched_name": r.matched_name,
                "programs": ";".join(dict.fromkeys(p for m in r.memberships for p in m.programs)),
                "explanation": r.explanation,
                "state": first.state.value,
                "since": first.since.isoformat() if first.since else "",
                "lists": ";".join(f"{m.list}:{m.state.value}" for m in r.memberships),
            }
        )
    return rows


def screen_file(
    session: Session,
    in_path: Path,
    out_path: Path,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    on_progress: Callable[[int], None] | None = None,
    on_response: Callable[[ScreeningResponse], None] | None = None,
    **options: Any,
) -> BatchSummaryOut:
    """Screen every row of a CSV file: each row recorded and alerted like a single
    screening, one output row per result, and an audit record of the run."""
    if not in_path.is_file():
        raise InputError("no such file", file=str(in_path))
    ctx = open_context(session, **options)
    counts = {"alerts": 0, "hit_parties": 0, "hits": 0}

    def rows_for(party: Party, hits: Sequence[Hit]) -> list[dict[str, Any]]:
        response = respond(ctx, party, hits)
        counts["alerts"] += len(response.alerts)
        counts["hit_parties"] += response.hit
        counts["hits"] += len(response.hits)
        if on_response is not None:
            on_response(response)
        return csv_rows(party, response)

    summary: BatchSummary = screen_csv(
        in_path,
        out_path,
        ctx.indexed.screener,
        engine=engine,
        scheduler=scheduler,
        workers=workers,
        threshold=ctx.threshold,
        top=ctx.top * CANDIDATE_FACTOR + CANDIDATE_EXTRA,
        on_progress=on_progress,
        rows_for=rows_for,
        columns=CSV_COLUMNS,
    )
    result = BatchSummaryOut(
        parties=summary.parties,
        hits=counts["hits"],
        parties_with_hits=counts["hit_parties"],
        rows=summary.hits,
        alerts=counts["alerts"],
        as_of=ctx.as_of,
        lists=ctx.lists,
        warnings=ctx.warnings,
    )
    if ctx.record:
        audit.append(
            session,
            "batch_screening",
            ctx.actor,
            {
                "input": in_path.name,
                "input_sha256": sha256_of([in_path]),
                "output_sha256": sha256_of([out_path]),
                "as_of": ctx.as_of.isoformat(),
                "list_versions": list(ctx.version_ids),
                "parties": result.parties,
                "hits": result.hits,
                "alerts": result.alerts,
            },
        )
    return result
