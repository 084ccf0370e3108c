"""Listing histories: what was restricted on a given date, and the timeline of each listing.

Sources of truth, in order: dated events (curated histories with citations, events in a
file such as the 1260H editions, ERC decisions, and events derived when a new list
version shows an entry added, changed or removed), then the entry's own start/end dates.
An entry with neither is treated as listed while it is in an active version, from an
unknown date: `ListingState.LISTED_UNKNOWN_START` says so rather than guessing.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from tradescreen.domain import Citation, Entity, EventType, ListEntry, ListingEvent, ListSource, Relationship
from tradescreen.match.normalize import normalize_name
from tradescreen.ownership import relationships_on
from tradescreen.store.schema import EntryRow, ListingEventRow, ListVersionRow


class ListingState(StrEnum):
    """How a listing stood on a date."""

    NOT_YET_LISTED = "not_yet_listed"
    LISTED = "listed"
    LISTED_UNKNOWN_START = "listed_unknown_start"
    ENJOINED = "enjoined"  # listed, but a court halted enforcement
    REMOVED = "removed"

    @property
    def restricted(self) -> bool:
        """True when the listing's restrictions applied that day."""
        return self in (ListingState.LISTED, ListingState.LISTED_UNKNOWN_START)


@dataclass(frozen=True, slots=True)
class ListingStatus:
    """One listing of one entity, as it stood on `as_of`."""

    entity_id: str
    source: ListSource
    name: str
    as_of: dt.date
    state: ListingState
    since: dt.date | None
    license_requirement: str | None = None
    license_policy: str | None = None
    footnotes: tuple[str, ...] = ()
    programs: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()
    events: tuple[ListingEvent, ...] = ()  # events up to and including as_of
    general_license_active: bool = False
    unverified: tuple[str, ...] = ()  # descriptions of unverified facts relied on
    listed_from: dt.date | None = None  # start of the listing period in force or last ended
    ended_on: dt.date | None = None  # when a removed listing ended
    ended_by_list_date: bool = False  # the end is the list's own end date (an expiry)
    listed_later: dt.date | None = None  # for a listing not yet in force: when it starts

    @property
    def restricted(self) -> bool:
        """True when this listing restricted dealings on `as_of`."""
        return self.state.restricted


@dataclass(frozen=True, slots=True)
class StatusReport:
    """Whether and how a party was restricted on a date, across all its listings."""

    as_of: dt.date
    listings: tuple[ListingStatus, ...] = field(default_factory=tuple)

    @property
    def restricted(self) -> bool:
        """True when any listing restricted dealings that day."""
        return any(s.restricted for s in self.listings)


def _to_event(row: ListingEventRow) -> ListingEvent:
    citation = Citation(row.citation, row.citation_url, verified=row.verified) if row.citation else None
    return ListingEvent(
        entity_id=row.entity_id,
        source=ListSource(row.source),
        event_type=EventType(row.event_type),
        date=row.date,
        description=row.description,
        citation=citation,
        verified=row.verified,
        origin=row.origin,
    )


def _event_rows(session: Session, entity_ids: Iterable[str] | None = None) -> list[ListingEventRow]:
    # A file's own events count only from the feed's active version (a newer curated file
    # replaces the older one's facts); derived and ERC events are history and all count.
    active = select(ListVersionRow.id).where(ListVersionRow.active.is_(True))
    stmt = select(ListingEventRow).where(
        or_(
            ListingEventRow.version_id.is_(None),
            ListingEventRow.origin.like("version:%"),
            ListingEventRow.version_id.in_(active),
        )
    )
    if entity_ids is not None:
        stmt = stmt.where(ListingEventRow.entity_id.in_(list(entity_ids)))
    return list(session.scalars(stmt.order_by(ListingEventRow.date, ListingEventRow.id)))


def _latest_entries(
    session: Session, entity_ids: Iterable[str] | None = None
) -> dict[str, tuple[Entity, bool]]:
    """Newest stored form of each entity, and whether it is in an active version."""
    stmt = (
        select(EntryRow, ListVersionRow.feed, ListVersionRow.active)
        .join(ListVersionRow, EntryRow.version_id == ListVersionRow.id)
        .order_by(ListVersionRow.id)
    )
    if entity_ids is not None:
        stmt = stmt.where(EntryRow.entity_id.in_(list(entity_ids)))
    found: dict[str, tuple[EntryRow, str, bool]] = {}
    for row, feed, active in session.execute(stmt):
        current = found.get(row.entity_id)
        # Prefer the active version's form; otherwise the newest version's.
        if current is None or active or not current[2]:
            found[row.entity_id] = (row, feed, active)
    return {
        entity_id: (Entity(entity_id, feed, row.version_id, ListEntry.from_json(row.data)), active)
        for entity_id, (row, feed, active) in found.items()
    }


def _status(entity: Entity, in_active: bool, events: list[ListingEvent], as_of: dt.date) -> ListingStatus:
    entry = entity.entry
    events = _with_entry_dates(entity, events)
    past = tuple(e for e in events if e.date <= as_of)
    state = ListingState.NOT_YET_LISTED
    since: dt.date | None = None
    general_license = False
    listed_from: dt.date | None = None
    ended: ListingEvent | None = None
    has_start = any(e.event_type is EventType.ADDED for e in events)
    if not has_start and in_active:
        # Listed at an unknown earlier date; later events (a removal by an ERC decision,
        # an injunction) still apply on top.
        state = ListingState.LISTED_UNKNOWN_START
    for event in past:
        kind = event.event_type
        if kind is EventType.ADDED or (
            kind is EventType.INJUNCTION_LIFTED and state is ListingState.ENJOINED
        ):
            if kind is EventType.ADDED:
                listed_from, ended = event.date, None
            state, since = ListingState.LISTED, event.date
        elif kind is EventType.REMOVED:
            state, since, ended = ListingState.REMOVED, event.date, event
        elif kind is EventType.ENJOINED and state.restricted:
            state, since = ListingState.ENJOINED, event.date
        elif kind is EventType.GENERAL_LICENSE:
            general_license = True
        elif kind is EventType.GENERAL_LICENSE_ENDED:
            general_license = False
    if not in_active and state is ListingState.LISTED_UNKNOWN_START:
        state = ListingState.REMOVED  # dropped from the list at a date we do not know
    footnotes = tuple(str(f) for f in entry.extra.get("footnotes", ()))
    # Footnote 1 (the FDP rule) only exists from its event on; before, the entry had none.
    fdp = [
        e
        for e in events
        if e.event_type is EventType.POLICY_CHANGED and "footnote 1" in e.description.lower()
    ]
    if fdp and fdp[0].date > as_of:
        footnotes = tuple(f for f in footnotes if f != "1")
    unverified = tuple(e.description for e in past if not e.verified)
    later = next((e.date for e in events if e.event_type is EventType.ADDED and e.date > as_of), None)
    return ListingStatus(
        entity_id=entity.id,
        source=entry.source,
        name=entry.name,
        as_of=as_of,
        state=state,
        since=since,
        license_requirement=entry.license_requirement,
        license_policy=entry.license_policy,
        footnotes=footnotes,
        programs=entry.programs,
        citations=entry.federal_register,
        events=past,
        general_license_active=general_license and state is ListingState.LISTED,
        unverified=unverified,
        listed_from=listed_from,
        ended_on=ended.date if ended is not None and state is ListingState.REMOVED else None,
        ended_by_list_date=ended is not None and ended.origin == "entry",
        listed_later=later if state is ListingState.NOT_YET_LISTED else None,
    )


def _with_entry_dates(entity: Entity, events: list[ListingEvent]) -> list[ListingEvent]:
    """The entry's own start/end dates as events, where no event already says so."""
    entry = entity.entry
    extra: list[ListingEvent] = []
    if entry.start_date and not any(e.event_type is EventType.ADDED for e in events):
        extra.append(
            ListingEvent(
                entity.id,
                entry.source,
                EventType.ADDED,
                entry.start_date,
                "start date given by the list",
                origin="entry",
            )
        )
    if entry.end_date and not any(
        e.event_type is EventType.REMOVED and e.date == entry.end_date for e in events
    ):
        extra.append(
            ListingEvent(
                entity.id,
                entry.source,
                EventType.REMOVED,
                entry.end_date,
                "end date given by the list",
                origin="entry",
            )
        )
    return sorted([*events, *extra], key=lambda e: e.date) if extra else events


def status_report(session: Session, entity_ids: Iterable[str], as_of: dt.date) -> StatusReport:
    """Status on `as_of` of every listing among `entity_ids`."""
    ids = list(dict.fromkeys(entity_ids))
    entities = _latest_entries(session, ids)
    events: dict[str, list[ListingEvent]] = defaultdict(list)
    for row in _event_rows(session, ids):
        events[row.entity_id].append(_to_event(row))
    statuses = tuple(
        _status(entities[i][0], entities[i][1], events.get(i, []), as_of) for i in ids if i in entities
    )
    return StatusReport(as_of=as_of, listings=statuses)


def timeline(session: Session, entity_id: str) -> list[ListingEvent]:
    """Every dated event of a listing, oldest first, including its own start/end dates."""
    events = [_to_event(r) for r in _event_rows(session, [entity_id])]
    entities = _latest_entries(session, [entity_id])
    if entity_id not in entities:
        return events
    return _with_entry_dates(entities[entity_id][0], events)


def all_entities(session: Session) -> list[Entity]:
    """Every entity any version ever held (newest form), for resolving names in history."""
    return [entity for entity, _active in _latest_entries(session).values()]


def entities_as_of(session: Session, date: dt.date, *, include_enjoined: bool = True) -> list[Entity]:
    """Every entity whose listing was in force on `date` (what screening as of then sees).

    Enjoined listings are included by default (the party is still on the list; the hit
    explanation says enforcement was halted) so that nothing relevant is hidden.
    """
    entities = _latest_entries(session)
    events: dict[str, list[ListingEvent]] = defaultdict(list)
    for row in _event_rows(session):
        events[row.entity_id].append(_to_event(row))
    keep = {ListingState.LISTED, ListingState.LISTED_UNKNOWN_START}
    if include_enjoined:
        keep.add(ListingState.ENJOINED)
    return [
        entity
        for entity_id, (entity, active) in entities.items()
        if _status(entity, active, events.get(entity_id, []), date).state in keep
    ]


def owners_on(session: Session, party_name: str, date: dt.date) -> list[Relationship]:
    """Ownership links in force on `date` whose owned party is `party_name` (normalised match).

    Ownership is not a listing: an owned party (Honor, owned by Huawei until 2020-11-17) is
    reported so a reviewer sees who stood behind it that day, not as restricted.
    """
    wanted = normalize_name(party_name).text
    return [r for r in relationships_on(session, date) if normalize_name(r.object).text == wanted]
