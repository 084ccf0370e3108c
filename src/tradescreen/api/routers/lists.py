"""List versions, diffs, entities, health."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query
from sqlalchemy import text
from sqlalchemy.orm import Session

from tradescreen.services.access import get_session, require
from tradescreen.services.auth import Identity, Role
from tradescreen.services.entities import entity_document
from tradescreen.services.rules import party_status, status_document
from tradescreen.store.diff import diff_versions
from tradescreen.store.versions import list_versions

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
        "unknown_fields": diff.unknown_fields,
        "changed": [
            {
                "entity_id": c.entry.entity_id,
                "name": c.entry.name,
                "changes": [{"field": f.field, "old": f.old, "new": f.new} for f in c.changes],
            }
            for c in diff.changed
        ],
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


@router.get("/status", summary="Whether and how a party was restricted on a date")
def status(
    name: str = Query(..., min_length=1, max_length=500, pattern=r"\S", description="Party name"),
    as_of: dt.date | None = Query(None, description="Date YYYY-MM-DD (default today)"),
    scenario: int | None = Query(
        None, ge=1, le=2**31 - 1, description="ERC case: as if its decision were published (not official)"
    ),
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.VIEWER)),
) -> dict[str, Any]:
    """Listings on `as_of` found by the same decision function and threshold as
    `determinations`, with citations, events and owners on record."""
    answer = party_status(session, name, as_of, scenario=scenario)
    return {
        "name": answer.name,
        "as_of": answer.as_of.isoformat(),
        "scenario": answer.scenario,
        "restricted": answer.restricted,
        "lists": [u.model_dump(mode="json") for u in answer.basis.lists],
        "warnings": answer.basis.warnings,
        "listings": [status_document(s) for s in answer.listings],
        "owners": [
            {
                "owner": r.subject,
                "share": r.share,
                "valid_from": r.valid_from.isoformat() if r.valid_from else None,
                "valid_to": r.valid_to.isoformat() if r.valid_to else None,
                "source": r.source,
            }
            for r in answer.owners
        ],
    }
