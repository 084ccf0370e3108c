"""Listing events derived from version-to-version changes, and the event table rows.

When a feed gets a new version, every entry that appears is ADDED (dated by its own
start date, else the version's published date, else the load date), every entry that
disappears is REMOVED, and every entry whose content changed is MODIFIED with what
changed; these events carry origin ``version:<id>`` so history can tell them from
events read from files or curated data.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.domain import EventType, ListingEvent
from tradescreen.sources.base import ParsedFile
from tradescreen.store.schema import EntryRow, ListingEventRow, ListVersionRow


def event_row(event: ListingEvent, version_id: int | None) -> ListingEventRow:
    """The table row for a listing event."""
    return ListingEventRow(
        entity_id=event.entity_id,
        source=event.source.value,
        event_type=event.event_type.value,
        date=event.date,
        description=event.description,
        citation=event.citation.text if event.citation else None,
        citation_url=event.citation.url if event.citation else None,
        verified=event.verified,
        origin=event.origin,
        version_id=version_id,
    )


def derive_events(session: Session, version: ListVersionRow, parsed: ParsedFile) -> None:
    """Write ADDED/REMOVED/MODIFIED events against the feed's previous version."""
    previous = session.scalars(
        select(ListVersionRow)
        .where(ListVersionRow.feed == version.feed, ListVersionRow.id != version.id)
        .order_by(ListVersionRow.id.desc())
        .limit(1)
    ).first()
    when = version.published or version.loaded_at.date()
    origin = f"version:{version.id}"
    new = {
        r.entity_id: (r.content_hash, r.source, r.data)
        for r in session.execute(
            select(EntryRow.entity_id, EntryRow.content_hash, EntryRow.source, EntryRow.data).where(
                EntryRow.version_id == version.id
            )
        )
    }
    old: dict[str, tuple[str, str]] = {}
    if previous is not None:
        old = {
            r.entity_id: (r.content_hash, r.source)
            for r in session.execute(
                select(EntryRow.entity_id, EntryRow.content_hash, EntryRow.source).where(
                    EntryRow.version_id == previous.id
                )
            )
        }
    # The file's own histories (curated, 1260H periods) say when things happened; only
    # entities without them get events derived from the version change.
    has_own = {e.entity_id for e in parsed.events}
    rows: list[ListingEventRow] = []

    def add(entity_id: str, source: str, kind: EventType, date: dt.date, description: str) -> None:
        rows.append(
            ListingEventRow(
                entity_id=entity_id,
                source=source,
                event_type=kind.value,
                date=date,
                description=description,
                origin=origin,
                version_id=version.id,
            )
        )

    for entity_id, (digest, source, data) in new.items():
        if entity_id in has_own:
            continue
        if entity_id not in old:
            start = data.get("start_date")
            if start is None and previous is None:
                # First load of a feed: the entry was listed at some unknown earlier date,
                # not on the day we happened to load it.
                continue
            note = "start date given by the list" if start else "first seen in this version"
            add(entity_id, source, EventType.ADDED, dt.date.fromisoformat(start) if start else when, note)
            end = data.get("end_date")
            if end:
                add(
                    entity_id,
                    source,
                    EventType.REMOVED,
                    dt.date.fromisoformat(end),
                    "end date given by the list",
                )
        elif old[entity_id][0] != digest:
            add(entity_id, source, EventType.MODIFIED, when, "entry changed")
    for entity_id, (_digest, source) in old.items():
        if entity_id not in new and entity_id not in has_own:
            add(entity_id, source, EventType.REMOVED, when, "no longer in the list")
    session.add_all(rows)


__all__ = ["derive_events", "event_row"]
