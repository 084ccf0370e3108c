"""Versioned, atomic imports of list files, and queries over active versions.

A load is one transaction: the new version's entries are written, the previous active
version of the feed is deactivated and the new one activated, or — on any error —
nothing at all changes. Loading a file whose checksum the feed already has is a no-op.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.domain import Entity, ListEntry, ListVersion, entity_id
from tradescreen.store.schema import EntryRow, ListVersionRow


@dataclass(frozen=True, slots=True)
class LoadResult:
    """What a load did: the version, and whether it was new."""

    version: ListVersion
    created: bool


def entity_id_for(feed: str, entry: ListEntry) -> str:
    """The public id of an entry: stable across versions of its feed."""
    return entity_id(feed, entry.entry_key)


def to_version(row: ListVersionRow) -> ListVersion:
    """Domain form of a version row."""
    return ListVersion(
        id=row.id,
        feed=row.feed,
        file_name=row.file_name,
        sha256=row.sha256,
        row_count=row.row_count,
        loaded_at=row.loaded_at,
        active=row.active,
        published=row.published,
        unknown_fields=dict(row.unknown_fields or {}),
    )


def find_version(session: Session, feed: str, sha256: str) -> ListVersionRow | None:
    """The version of `feed` with this checksum, if it was loaded before."""
    return session.scalars(
        select(ListVersionRow).where(ListVersionRow.feed == feed, ListVersionRow.sha256 == sha256)
    ).first()


def import_version(
    session: Session,
    *,
    feed: str,
    file_name: str,
    sha256: str,
    entries: Iterable[ListEntry],
    published: dt.date | None = None,
    on_entry: Callable[[int], None] | None = None,
    after_insert: Callable[[Session, ListVersionRow], None] | None = None,
    unknown_fields: dict[str, list[str]] | None = None,
) -> LoadResult:
    """Store `entries` as a new active version of `feed`, atomically.

    The caller owns the transaction (use :func:`tradescreen.store.db.session_scope`);
    any exception raised while iterating `entries` (a parse error) or writing them
    propagates and the caller's rollback leaves the previous version active. When the
    feed already has a version with `sha256`, that version is (re)activated instead.
    `after_insert` runs inside the same transaction, e.g. to derive listing events.
    `unknown_fields` records which entry fields this version cannot state (missing side
    files), so a diff against it reports them as unknown rather than changed.
    """
    existing = find_version(session, feed, sha256)
    if existing is not None:
        if not existing.active:
            _activate(session, existing)
        return LoadResult(to_version(existing), created=False)

    row = ListVersionRow(
        feed=feed,
        file_name=file_name,
        sha256=sha256,
        row_count=0,
        active=False,
        published=published,
        unknown_fields=unknown_fields or None,
    )
    session.add(row)
    session.flush()
    seen: set[str] = set()
    count = 0
    batch: list[EntryRow] = []
    for entry in entries:
        entity_id = entity_id_for(feed, entry)
        if entity_id in seen:
            raise ValueError(
                f"{file_name}: duplicate entry id {entry.entry_key!r}"
                + (f" at line {entry.line}" if entry.line else "")
            )
        seen.add(entity_id)
        batch.append(
            EntryRow(
                version_id=row.id,
                entity_id=entity_id,
                entry_key=entry.entry_key,
                source=entry.source.value,
                kind=entry.kind.value,
                name=entry.name,
                content_hash=entry.content_hash(),
                data=entry.to_json(),
            )
        )
        count += 1
        if len(batch) >= 2000:
            session.add_all(batch)
            session.flush()
            batch.clear()
        if on_entry is not None:
            on_entry(count)
    session.add_all(batch)
    row.row_count = count
    session.flush()
    _activate(session, row)
    if after_insert is not None:
        after_insert(session, row)
    return LoadResult(to_version(row), created=True)


def _activate(session: Session, row: ListVersionRow) -> None:
    for other in session.scalars(
        select(ListVersionRow).where(ListVersionRow.feed == row.feed, ListVersionRow.active.is_(True))
    ):
        other.active = False
    session.flush()
    row.active = True
    session.flush()


def list_versions(session: Session, feed: str | None = None) -> list[ListVersion]:
    """All versions, oldest first, optionally of one feed."""
    stmt = select(ListVersionRow).order_by(ListVersionRow.id)
    if feed:
        stmt = stmt.where(ListVersionRow.feed == feed)
    return [to_version(r) for r in session.scalars(stmt)]


def active_versions(session: Session) -> list[ListVersion]:
    """The active version of every feed."""
    stmt = select(ListVersionRow).where(ListVersionRow.active.is_(True)).order_by(ListVersionRow.feed)
    return [to_version(r) for r in session.scalars(stmt)]


def _to_entity(row: EntryRow, feed: str) -> Entity:
    return Entity(id=row.entity_id, feed=feed, version_id=row.version_id, entry=ListEntry.from_json(row.data))


def version_entities(session: Session, version_id: int) -> list[Entity]:
    """Every entity of one version."""
    version = session.get(ListVersionRow, version_id)
    if version is None:
        raise KeyError(f"no list version {version_id}")
    rows = session.scalars(select(EntryRow).where(EntryRow.version_id == version_id).order_by(EntryRow.id))
    return [_to_entity(r, version.feed) for r in rows]


def active_entities(session: Session) -> list[Entity]:
    """Every entity of the active versions of all feeds."""
    stmt = (
        select(EntryRow, ListVersionRow.feed)
        .join(ListVersionRow, EntryRow.version_id == ListVersionRow.id)
        .where(ListVersionRow.active.is_(True))
        .order_by(EntryRow.id)
    )
    return [_to_entity(row, feed) for row, feed in session.execute(stmt)]


def get_entity(session: Session, entity_id: str) -> Entity | None:
    """The newest stored form of an entity: from the active version if it is there,
    else from the latest version that had it (a removed entry stays viewable)."""
    stmt = (
        select(EntryRow, ListVersionRow.feed)
        .join(ListVersionRow, EntryRow.version_id == ListVersionRow.id)
        .where(EntryRow.entity_id == entity_id)
        .order_by(ListVersionRow.active.desc(), ListVersionRow.id.desc())
        .limit(1)
    )
    found = session.execute(stmt).first()
    return _to_entity(found[0], found[1]) if found else None
