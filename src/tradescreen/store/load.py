"""Load a list file into the store as a new version, atomically.

Parsing, writing the entries, the file's own events and relationships, and the events
derived from the difference to the feed's previous version all happen in one
transaction: any error leaves the previously active version active and writes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy.orm import Session

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
