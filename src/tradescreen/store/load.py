"""Load a list file into the store as a new version, atomically.

Parsing, writing the entries, the file's own events and relationships, and the events
derived from the difference to the feed's previous version all happen in one
transaction: any error leaves the previously active version active and writes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.domain import EventType, ListingEvent
from tradescreen.sources.base import ParsedFile
from tradescreen.sources.detect import open_list_file
from tradescreen.store import audit
from tradescreen.store.schema import EntryRow, ListingEventRow, ListVersionRow, RelationshipRow
from tradescreen.store.versions import LoadResult, import_version

ProgressCallback = Callable[[int], None]
LoadHook = Callable[[Session, ListVersionRow, ParsedFile], None]

# Called after every new version is written, inside the same transaction (e.g. the audit
# log); kept as a registry so the store does not import the layers that use it.
LOAD_HOOKS: list[LoadHook] = []


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


def _derive_events(session: Session, version: ListVersionRow, parsed: ParsedFile) -> None:
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
    for entity_id, (digest, source, data) in new.items():
        if entity_id in has_own:
            continue
        if entity_id not in old:
            start = data.get("start_date")
            if start is None and previous is None:
                # First load of a feed: the entry was listed at some unknown earlier date,
                # not on the day we happened to load it.
                continue
            date = dt.date.fromisoformat(start) if start else when
            note = "start date given by the list" if start else "first seen in this version"
            rows.append(
                ListingEventRow(
                    entity_id=entity_id,
                    source=source,
                    event_type=EventType.ADDED.value,
                    date=date,
                    description=note,
                    origin=origin,
                    version_id=version.id,
                )
            )
            end = data.get("end_date")
            if end:
                rows.append(
                    ListingEventRow(
                        entity_id=entity_id,
                        source=source,
                        event_type=EventType.REMOVED.value,
                        date=dt.date.fromisoformat(end),
                        description="end date given by the list",
                        origin=origin,
                        version_id=version.id,
                    )
                )
        elif old[entity_id][0] != digest:
            rows.append(
                ListingEventRow(
                    entity_id=entity_id,
                    source=source,
                    event_type=EventType.MODIFIED.value,
                    date=when,
                    description="entry changed",
                    origin=origin,
                    version_id=version.id,
                )
            )
    for entity_id, (_digest, source) in old.items():
        if entity_id not in new and entity_id not in has_own:
            rows.append(
                ListingEventRow(
                    entity_id=entity_id,
                    source=source,
                    event_type=EventType.REMOVED.value,
                    date=when,
                    description="no longer in the list",
                    origin=origin,
                    version_id=version.id,
                )
            )
    session.add_all(rows)


def write_parsed(
    session: Session, parsed: ParsedFile, on_progress: ProgressCallback | None = None
) -> LoadResult:
    """Import an already parsed file (same transaction rules as :func:`load_path`)."""

    def after_insert(s: Session, version: ListVersionRow) -> None:
        s.add_all(event_row(e, version.id) for e in parsed.events)
        s.add_all(
            RelationshipRow(
                subject=r.subject,
                object=r.object,
                type=r.type.value,
                share=r.share,
                valid_from=r.valid_from,
                valid_to=r.valid_to,
                source=r.source,
                version_id=version.id,
            )
            for r in parsed.relationships
        )
        s.flush()
        _derive_events(s, version, parsed)
        s.flush()
        audit.append(
            s,
            "list_load",
            "system",
            {
                "version_id": version.id,
                "feed": version.feed,
                "file": version.file_name,
                "sha256": version.sha256,
                "rows": version.row_count,
            },
        )
        for hook in LOAD_HOOKS:
            hook(s, version, parsed)

    return import_version(
        session,
        feed=parsed.feed,
        file_name=parsed.file_name,
        sha256=parsed.sha256,
        entries=parsed.entries,
        published=parsed.published,
        on_entry=on_progress,
        after_insert=after_insert,
    )


def load_path(
    session: Session, path: Path, fmt: str | None = None, on_progress: ProgressCallback | None = None
) -> LoadResult:
    """Parse `path` (format detected when `fmt` is None) and store it as a new version.

    The caller owns the transaction (:func:`tradescreen.store.db.session_scope`).
    """
    return write_parsed(session, open_list_file(Path(path), fmt), on_progress)


def count_entries(parsed: ParsedFile) -> int | None:
    """The number of entries when known without consuming an iterator."""
    entries = parsed.entries
    return len(entries) if isinstance(entries, list | tuple) else None


__all__ = ["LOAD_HOOKS", "count_entries", "event_row", "load_path", "write_parsed"]
