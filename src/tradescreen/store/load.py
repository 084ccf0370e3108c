"""Load a list file into the store as a new version, atomically.

Parsing, writing the entries, the file's own events and relationships, and the events
derived from the difference to the feed's previous version all happen in one
transaction: any error leaves the previously active version active and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.errors import InputError
from tradescreen.sources.base import ParsedFile
from tradescreen.sources.detect import open_list_file
from tradescreen.store import audit
from tradescreen.store.events import derive_events, event_row
from tradescreen.store.schema import ListVersionRow, RelationshipRow
from tradescreen.store.versions import LoadResult, import_version

ProgressCallback = Callable[[int], None]
LoadHook = Callable[[Session, ListVersionRow, ParsedFile], None]

# Called after every new version is written, inside the same transaction (e.g. the audit
# log); kept as a registry so the store does not import the layers that use it.
LOAD_HOOKS: list[LoadHook] = []


# A new version with fewer entries than this share of the active one is refused unless
# the caller allows it: a truncated or near-empty file must never silently replace a list.
SHRINK_FACTOR = 0.5


class ShrinkRefused(InputError):
    """The new version has far fewer entries than the active one (see SHRINK_FACTOR)."""


def _active_row_count(session: Session, feed: str) -> int | None:
    return session.scalar(
        select(ListVersionRow.row_count).where(ListVersionRow.feed == feed, ListVersionRow.active.is_(True))
    )


def write_parsed(
    session: Session,
    parsed: ParsedFile,
    on_progress: ProgressCallback | None = None,
    *,
    allow_shrink: bool = False,
    actor: str = "system",
) -> LoadResult:
    """Import an already parsed file (same transaction rules as :func:`load_path`).

    Refuses (:class:`ShrinkRefused`, nothing written) a version with fewer than half the
    entries of the feed's active version, unless `allow_shrink`; an allowed shrink is
    recorded in the audit log.
    """
    previous = _active_row_count(session, parsed.feed)

    def after_insert(s: Session, version: ListVersionRow) -> None:
        shrunk = previous is not None and version.row_count < previous * SHRINK_FACTOR
        if shrunk and not allow_shrink:
            raise ShrinkRefused(
                f"refusing to replace {previous} entries of feed {version.feed} with {version.row_count}"
                f" (fewer than {SHRINK_FACTOR:.0%}); the file looks truncated."
                " Pass --allow-shrink if the list really shrank",
                file=version.file_name,
                field="entries",
            )
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
        derive_events(s, version, parsed)
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
        if shrunk:
            audit.append(
                s,
                "list_shrink_allowed",
                actor,
                {
                    "version_id": version.id,
                    "feed": version.feed,
                    "previous_rows": previous,
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
        unknown_fields=parsed.unknown_fields,
    )


def load_path(
    session: Session,
    path: Path,
    fmt: str | None = None,
    on_progress: ProgressCallback | None = None,
    *,
    allow_shrink: bool = False,
) -> LoadResult:
    """Parse `path` (format detected when `fmt` is None) and store it as a new version.

    The caller owns the transaction (:func:`tradescreen.store.db.session_scope`).
    """
    return write_parsed(session, open_list_file(Path(path), fmt), on_progress, allow_shrink=allow_shrink)


def count_entries(parsed: ParsedFile) -> int | None:
    """The number of entries when known without consuming an iterator."""
    entries = parsed.entries
    return len(entries) if isinstance(entries, list | tuple) else None


__all__ = [
    "LOAD_HOOKS",
    "SHRINK_FACTOR",
    "ShrinkRefused",
    "count_entries",
    "event_row",
    "load_path",
    "write_parsed",
]
