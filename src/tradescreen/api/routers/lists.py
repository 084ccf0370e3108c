"""List versions, diffs, entities, health."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import text
from sqlalchemy.orm import Session

from tradescreen.api.auth import Identity, Role
from tradescreen.api.deps import get_session, require
from tradescreen.errors import NotFoundError
from tradescreen.history import status_report, timeline
from tradescreen.store.diff import diff_versions
from tradescreen.store.versions import get_entity, list_versions

router = APIRouter()


@router.get("/healthz", summary="Liveness and database check")
def healthz(session: Session = Depends(get_session)) -> dict[str, str]:
    """OK when the database answers."""
    session.execute(text("SELECT 1"))
    return {"status": "ok"}


@router.get("/lists", summary="Loaded list versions")
def lists(
    feed: str | None = Query(None, max_length=40),
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.VIEWER)),
) -> list[dict[str, Any]]:
    """Every list version, oldest first."""
    return [
        {
            "id": v.id,
            "feed": v.feed,
            "file": v.file_name,
            "sha256": v.sha256,
            "rows": v.row_count,
            "loaded_at": v.loaded_at.isoformat(),
            "active": v.active,
        }
        for v in list_versions(session, feed)
    ]


@router.get("/lists/diff", summary="Added, removed and changed entries between two versions")
def lists_diff(
    from_: int = Query(..., alias="from", ge=1, le=2**31),
    to: int = Query(..., ge=1, le=2**31),
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.VIEWER)),
) -> dict[str, Any]:
    """The diff of two versions of one feed."""
    diff = diff_versions(session, from_, to)
    return {
        "feed": diff.feed,
        "from": from_,
        "to": to,
        "added": [{"entity_id": e.entity_id, "source": e.source, "name": e.name} for e in diff.added],
        "removed": [{"entity_id": e.entity_id, "source": e.source, "name": e.name} for e in diff.removed],
        "changed": [
            {
                "entity_id": c.entry.entity_id,
                "name": c.entry.name,
                "changes": [{"field": f.field, "old": f.old, "new": f.new} for f in c.changes],
            }
            for c in diff.changed
        ],
    }


def entity_document(session: Session, entity_id: str, as_of: dt.date | None = None) -> dict[str, Any]:
    """Names, listing status, history and links of one entity (shared with the web UI)."""
    entity = get_entity(session, entity_id)
    if entity is None:
        raise NotFoundError(f"no entity {entity_id!r}")
    entry = entity.entry.to_json()
    day = as_of or dt.date.today()
    status = status_report(session, [entity_id], day).listings
    return {
        "id": entity.id,
        "feed": entity.feed,
        "entry": entry,
        "status": [
            {
                "as_of": day.isoformat(),
                "state": s.state.value,
                "restricted": s.restricted,
                "since": s.since.isoformat() if s.since else None,
                "footnotes": list(s.footnotes),
                "unverified": list(s.unverified),
            }
            for s in status
        ],
        "history": [
            {
                "date": e.date.isoformat(),
                "type": e.event_type.value,
                "description": e.description,
                "citation": e.citation.text if e.citation else None,
                "verified": e.verified,
                "origin": e.origin,
            }
            for e in timeline(session, entity_id)
        ],
        "links": list(entity.entry.linked_to),
    }


@router.get("/entities/{entity_id}", summary="One list entity with its listing history")
def entity(
    entity_id: str,
    as_of: dt.date | None = None,
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.VIEWER)),
) -> dict[str, Any]:
    """Names, addresses, identifiers, status on `as_of` (default today), history."""
    return entity_document(session, entity_id, as_of)
