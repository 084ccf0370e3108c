"""Differences between two versions of one feed: added, removed and changed entries."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.errors import InputError, NotFoundError
from tradescreen.store.schema import EntryRow, ListVersionRow

# Fields compared for a changed entry, in the order shown to users.
COMPARED_FIELDS = (
    "name",
    "aliases",
    "addresses",
    "identifiers",
    "programs",
    "license_requirement",
    "license_policy",
    "federal_register",
    "start_date",
    "end_date",
    "source",
    "kind",
    "remarks",
    "linked_to",
    "extra",
)


@dataclass(frozen=True, slots=True)
class EntrySummary:
    """An entry as a diff names it."""

    entity_id: str
    source: str
    name: str


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field of a changed entry: its old and new value."""

    field: str
    old: Any
    new: Any


@dataclass(frozen=True, slots=True)
class EntryChange:
    """An entry present in both versions whose content differs."""

    entry: EntrySummary
    changes: tuple[FieldChange, ...]


@dataclass(frozen=True, slots=True)
class VersionDiff:
    """What changed from version `old_id` to `new_id` of `feed`."""

    feed: str
    old_id: int
    new_id: int
    added: list[EntrySummary] = field(default_factory=list)
    removed: list[EntrySummary] = field(default_factory=list)
    changed: list[EntryChange] = field(default_factory=list)
    # Fields one of the two versions cannot state (loaded without a side file), each with
    # the missing files: not compared, reported as unknown.
    unknown_fields: dict[str, list[str]] = field(default_factory=dict)

    @property
    def affected_entity_ids(self) -> set[str]:
        """Entities added or changed (what a delta re-screen must look at)."""
        return {e.entity_id for e in self.added} | {c.entry.entity_id for c in self.changed}


def _version(session: Session, version_id: int, field_name: str) -> ListVersionRow:
    row = session.get(ListVersionRow, version_id)
    if row is None:
        raise NotFoundError(f"no list version {version_id} ({field_name})")
    return row


def last_two_versions(session: Session, feed: str) -> tuple[int, int]:
    """The ids of the two newest versions of `feed` (what `diff FEED` compares)."""
    ids = list(
        session.scalars(
            select(ListVersionRow.id)
            .where(ListVersionRow.feed == feed)
            .order_by(ListVersionRow.id.desc())
            .limit(2)
        )
    )
    if not ids:
        raise NotFoundError(f"no versions of feed {feed!r} (see `tradescreen lists`)")
    if len(ids) < 2:
        raise InputError(
            f"feed {feed!r} has only one version ({ids[0]}): nothing to compare yet", field="feed"
        )
    return ids[1], ids[0]


def diff_versions(session: Session, old_id: int, new_id: int) -> VersionDiff:
    """Compare two versions of the same feed."""
    old, new = _version(session, old_id, "old"), _version(session, new_id, "new")
    if old.feed != new.feed:
        raise InputError(
            f"versions {old_id} ({old.feed}) and {new_id} ({new.feed}) are of different feeds", field="new"
        )

    def rows(version_id: int) -> dict[str, EntryRow]:
        return {
            r.entity_id: r for r in session.scalars(select(EntryRow).where(EntryRow.version_id == version_id))
        }

    before, after = rows(old_id), rows(new_id)
    unknown: dict[str, list[str]] = {}
    for version in (old, new):
        for name, files in (version.unknown_fields or {}).items():
            known_files = unknown.setdefault(name, [])
            known_files.extend(f"{f} (version {version.id})" for f in files)
    compared = tuple(f for f in COMPARED_FIELDS if f not in unknown)
    diff = VersionDiff(feed=new.feed, old_id=old_id, new_id=new_id, unknown_fields=unknown)
    for entity_id, row in after.items():
        summary = EntrySummary(entity_id, row.source, row.name)
        if entity_id not in before:
            diff.added.append(summary)
        elif before[entity_id].content_hash != row.content_hash:
            was, now = before[entity_id].data, row.data
            changes = tuple(
                FieldChange(f, was.get(f), now.get(f)) for f in compared if was.get(f) != now.get(f)
            )
            # Differences only in unknown fields are not changes: the file just did not say.
            if changes:
                diff.changed.append(EntryChange(summary, changes))
    diff.removed.extend(EntrySummary(i, r.source, r.name) for i, r in before.items() if i not in after)
    for items in (diff.added, diff.removed):
        items.sort(key=lambda s: s.name)
    diff.changed.sort(key=lambda c: c.entry.name)
    return diff
