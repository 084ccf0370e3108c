"""Search (like the trade.gov CSL search, with scores and explanations) and batch screen.

Both call the screening service and return its typed answer: one result per real-world
entity, each list membership with its state on the date, and the list versions used.
"""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, StrictFloat, StrictInt
from sqlalchemy.orm import Session

from tradescreen.domain import EntityKind, Party
from tradescreen.errors import InputError
from tradescreen.services.access import get_session, require
from tradescreen.services.auth import Identity, Role
from tradescreen.services.models import BatchResponse, ScreeningResponse
from tradescreen.services.screening import parse_sources, parse_states, screen_parties, screen_party

router = APIRouter()
MAX_PARTIES = 1000


@router.get("/search", summary="Search the lists by name", response_model=ScreeningResponse)
def search(
    request: Request,
    name: str = Query(..., min_length=1, max_length=500),
    countries: str | None = Query(None, max_length=200, description="Comma-separated ISO codes"),
    sources: str | None = Query(None, max_length=200, description="Comma-separated list codes, e.g. EL,SDN"),
    as_of: dt.date | None = Query(None, description="Date to screen on (default today)"),
    limit: int = Query(10, ge=1, le=100),
    threshold: float | None = Query(None, ge=0, le=1),
    include_ended: bool = Query(False, description="Also show removed, expired and future listings"),
    state: list[str] | None = Query(None, description="Only memberships in these states"),
    dob: str | None = Query(None, max_length=10, description="Date of birth: YYYY-MM-DD, YYYY-MM or YYYY"),
    nationality: str | None = Query(None, max_length=2, description="ISO code of a person's nationality"),
    id_number: str | None = Query(None, max_length=100, description="Passport or national ID number"),
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.VIEWER)),
) -> ScreeningResponse:
    """One result per real-world entity for one name, recorded like every screening."""
    country = countries.split(",")[0].strip().upper() if countries else None
    response = screen_party(
        session,
        Party(name=name, country=country, dob=dob, nationality=nationality, id_number=id_number),
        as_of=as_of,
        sources=parse_sources(sources),
        states=parse_states(state),
        threshold=threshold,
        top=limit,
        include_ended=include_ended,
        actor=_who.name,
    )
    session.commit()  # release the write lock before the request log is written
    request.state.audit = {
        "names": [name],
        "hits": [r.entity.id for r in response.hits],
        "screening_id": response.screening_id,
    }
    return response


class PartyIn(BaseModel):
    """A party to screen."""

    id: str = Field(..., min_length=1, max_length=200)
    name: str = Field(..., min_length=1, max_length=10_000)
    country: str | None = Field(None, min_length=2, max_length=2)
    address: str | None = Field(None, max_length=1000)
    type: EntityKind | None = None
    dob: str | None = Field(
        None, max_length=10, description="Date of birth of a person: YYYY-MM-DD, YYYY-MM or YYYY"
    )
    nationality: str | None = Field(None, min_length=2, max_length=2, description="ISO alpha-2")
    id_number: str | None = Field(None, max_length=100, description="Passport or national ID number")


class ScreenRequest(BaseModel):
    """Up to 1,000 parties."""

    parties: list[PartyIn] = Field(..., min_length=1, max_length=MAX_PARTIES)
    as_of: dt.date | None = None
    sources: str | None = Field(None, max_length=200)
    threshold: StrictFloat | StrictInt | None = Field(None, ge=0, le=1)
    top: int = Field(10, ge=1, le=100)
    include_ended: bool = False


@router.post("/screen", summary="Screen up to 1,000 parties", response_model=BatchResponse)
def screen(
    body: ScreenRequest,
    request: Request,
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.SCREENER)),
) -> BatchResponse:
    """One answer per party, in input order, each recorded like a single screening."""
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
            dob=p.dob,
            nationality=p.nationality,
            id_number=p.id_number,
        )
        for p in body.parties
    ]
    response = screen_parties(
        session,
        parties,
        as_of=body.as_of,
        sources=parse_sources(body.sources),
        threshold=body.threshold,
        top=body.top,
        include_ended=body.include_ended,
        actor=_who.name,
    )
    session.commit()  # release the write lock before the request log is written
    request.state.audit = {
        "names": [p.name for p in parties],
        "hits": [h.entity.id for r in response.results for h in r.hits],
        "screening_ids": [r.screening_id for r in response.results],
    }
    return response
