"""Search (like the trade.gov CSL search, with scores and explanations) and batch screen."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, StrictFloat, StrictInt
from sqlalchemy.orm import Session

from tradescreen.api.auth import Identity, Role
from tradescreen.api.deps import get_session, require
from tradescreen.domain import EntityKind, Hit, ListSource, Party
from tradescreen.errors import InputError
from tradescreen.match.screen import screen_parties
from tradescreen.review import record_screening
from tradescreen.rules.licensing import ownership_flags

router = APIRouter()
MAX_PARTIES = 1000


def parse_sources(value: str | None) -> set[ListSource] | None:
    """`EL,SDN` -> list codes; unknown codes name the field."""
    if not value:
        return None
    known = {s.value.upper(): s for s in ListSource}
    codes = {c.strip().upper() for c in value.split(",") if c.strip()}
    unknown = sorted(codes - set(known))
    if unknown:
        raise InputError(f"unknown list {unknown[0]!r}", field="sources")
    return {known[c] for c in codes}


def hit_json(hit: Hit) -> dict[str, Any]:
    """JSON form of a hit."""
    return {
        "entity_id": hit.entity_id,
        "source": hit.source.value,
        "list_name": hit.list_name,
        "matched_name": hit.matched_name,
        "score": hit.score,
        "programs": list(hit.programs),
        "explanation": hit.explanation,
    }


@router.get("/search", summary="Search the lists by name")
def search(
    request: Request,
    name: str = Query(..., min_length=1, max_length=500),
    countries: str | None = Query(None, max_length=200, description="Comma-separated ISO codes"),
    sources: str | None = Query(None, max_length=200, description="Comma-separated list codes, e.g. EL,SDN"),
    as_of: dt.date | None = None,
    limit: int = Query(10, ge=1, le=100),
    threshold: float | None = Query(None, ge=0, le=1),
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.VIEWER)),
) -> dict[str, Any]:
    """Ranked hits for one name."""
    if not name.strip():
        raise InputError("empty name", field="name")
    country = countries.split(",")[0].strip().upper() if countries else None
    result = screen_parties(
        session,
        [Party(name=name, country=country)],
        as_of=as_of,
        sources=parse_sources(sources),
        threshold=threshold,
        top=limit,
    )[0]
    recorded = record_screening(session, result, actor=_who.name)
    session.commit()  # release the write lock before the request log is written
    request.state.audit = {
        "names": [name],
        "hits": [h.entity_id for h in result.hits],
        "screening_id": recorded.screening_id,
    }
    return {
        "name": name,
        "as_of": as_of.isoformat() if as_of else None,
        "list_versions": list(result.version_ids),
        "total": len(result.hits),
        "results": [hit_json(h) for h in result.hits],
        "ownership": [
            {"rule": o.rule, "summary": o.summary, "citation": o.citation, "verified": o.verified}
            for o in ownership_flags(session, name, as_of)
        ],
    }


class PartyIn(BaseModel):
    """A party to screen."""

    id: str = Field(..., min_length=1, max_length=200)
    name: str = Field(..., min_length=1, max_length=10_000)
    country: str | None = Field(None, min_length=2, max_length=2)
    address: str | None = Field(None, max_length=1000)
    type: EntityKind | None = None


class ScreenRequest(BaseModel):
    """Up to 1,000 parties."""

    parties: list[PartyIn] = Field(..., min_length=1, max_length=MAX_PARTIES)
    as_of: dt.date | None = None
    sources: str | None = Field(None, max_length=200)
    threshold: StrictFloat | StrictInt | None = Field(None, ge=0, le=1)
    top: int = Field(10, ge=1, le=100)


@router.post("/screen", summary="Screen up to 1,000 parties")
def screen(
    body: ScreenRequest,
    request: Request,
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.SCREENER)),
) -> dict[str, Any]:
    """Hits per party, in input order."""
    ids = [p.id for p in body.parties]
    duplicates = sorted({i for i in ids if ids.count(i) > 1}) if len(set(ids)) != len(ids) else []
    if duplicates:
        raise InputError(f"duplicate party id {duplicates[0]!r}", field="parties.id")
    parties = [
        Party(
            name=p.name,
            id=p.id,
            country=p.country.upper() if p.country else None,
            address=p.address,
            kind=p.type,
        )
        for p in body.parties
    ]
    results = screen_parties(
        session,
        parties,
        as_of=body.as_of,
        sources=parse_sources(body.sources),
        threshold=body.threshold,
        top=body.top,
    )
    recorded = [record_screening(session, r, actor=_who.name, customer_id=r.party.id) for r in results]
    session.commit()  # release the write lock before the request log is written
    request.state.audit = {
        "names": [p.name for p in parties],
        "hits": [h.entity_id for r in results for h in r.hits],
        "screening_ids": [r.screening_id for r in recorded],
    }
    return {
        "as_of": body.as_of.isoformat() if body.as_of else None,
        "list_versions": list(results[0].version_ids) if results else [],
        "results": [
            {
                "id": r.party.id,
                "name": r.party.name,
                "screening_id": rec.screening_id,
                "alerts": rec.new_alerts,
                "hits": [hit_json(h) for h in r.hits],
            }
            for r, rec in zip(results, recorded, strict=True)
        ],
    }
