"""End-User Review Committee cases over the API."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends
from fastapi import Path as PathParam
from pydantic import BaseModel, Field, StrictBool
from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen import erc
from tradescreen.api.routers.determinations import CountryCode
from tradescreen.errors import InputError
from tradescreen.services.access import get_session, require
from tradescreen.services.auth import Identity, Role
from tradescreen.services.rules import publish_decision
from tradescreen.store.erc_tables import ErcCaseRow

# Ids are database integers: bounded so that no request can overflow them.
CaseId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]

router = APIRouter(prefix="/erc", tags=["erc"])
# The agencies of the committee (Supplement No. 5 to Part 744).
Agency = Literal["Commerce", "State", "Defense", "Energy", "Treasury"]


def case_json(session: Session, case: ErcCaseRow) -> dict[str, Any]:
    """A case with its history."""
    return {
        "id": case.id,
        "action": case.action,
        "party": case.party,
        "country": case.country,
        "aliases": case.aliases,
        "addresses": case.addresses,
        "license_requirement": case.license_requirement,
        "review_policy": case.review_policy,
        "level": case.level,
        "status": case.status,
        "outcome": case.outcome,
        "proposed_by": case.proposed_by,
        "proposed_on": case.proposed_on.isoformat(),
        "listing_version_id": case.listing_version_id,
        "history": [
            {
                "on": s.on.isoformat(),
                "level": s.level,
                "kind": s.kind,
                "actor": s.actor,
                "what": s.what,
                "why": s.why,
            }
            for s in erc.history(session, case.id)
        ],
    }


def _run(session: Session, action: Any) -> Any:
    """Run a procedure step; refused steps are bad input; success is committed at once."""
    try:
        result = action()
    except erc.ERCError as exc:
        raise InputError(str(exc), field="case") from exc
    session.commit()
    return result


class ProposalIn(BaseModel):
    """A proposal to add, modify or remove an Entity List entry."""

    action: str = Field("add", pattern="^(add|modify|remove)$")
    party: str = Field(..., min_length=1, max_length=500)
    country: CountryCode
    by: Agency
    on: dt.date
    aliases: list[str] = Field(default_factory=list, max_length=50)
    addresses: list[str] = Field(default_factory=list, max_length=50)
    license_requirement: str = Field("", max_length=2000)
    review_policy: str = Field("", max_length=2000)
    reasons: str = Field("", max_length=10_000)
    treasury: bool = False


class VoteIn(BaseModel):
    """An agency's vote."""

    agency: Agency
    yes: bool
    rationale: str = Field("", max_length=10_000)
    on: dt.date


@router.get("/cases", summary="All ERC cases")
def cases(
    session: Session = Depends(get_session), _who: Identity = Depends(require(Role.VIEWER))
) -> list[dict[str, Any]]:
    """Cases, newest first, without history."""
    rows = session.scalars(select(ErcCaseRow).order_by(ErcCaseRow.id.desc()))
    return [
        {
            "id": c.id,
            "action": c.action,
            "party": c.party,
            "level": c.level,
            "status": c.status,
            "outcome": c.outcome,
        }
        for c in rows
    ]


@router.get("/cases/{case_id}", summary="One case with its history")
def case(
    case_id: CaseId, session: Session = Depends(get_session), _who: Identity = Depends(require(Role.VIEWER))
) -> dict[str, Any]:
    """The case and every recorded step."""
    return case_json(session, erc.get_case(session, case_id))


@router.post("/cases", summary="Open a case", status_code=201)
def propose(
    body: ProposalIn, session: Session = Depends(get_session), _who: Identity = Depends(require(Role.ADMIN))
) -> dict[str, Any]:
    """Propose an addition, modification or removal."""
    row = _run(
        session,
        lambda: erc.propose(
            session,
            action=body.action,
            party=body.party,
            country=body.country,
            by=body.by,
            on=body.on,
            aliases=body.aliases,
            addresses=body.addresses,
            license_requirement=body.license_requirement,
            review_policy=body.review_policy,
            reasons=body.reasons,
            treasury=body.treasury,
        ),
    )
    return case_json(session, row)


@router.post("/cases/{case_id}/votes", summary="Record a vote")
def vote(
    case_id: CaseId,
    body: VoteIn,
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.ADMIN)),
) -> dict[str, Any]:
    """An agency's vote at the current level."""
    _run(
        session,
        lambda: erc.vote(
            session, case_id, agency=body.agency, yes=body.yes, rationale=body.rationale, on=body.on
        ),
    )
    return case_json(session, erc.get_case(session, case_id))


class PublishIn(BaseModel):
    """The Federal Register publication of a final approval."""

    fr_cite: str = Field(..., min_length=1, max_length=100, pattern=r"\S", description="e.g. 86 FR 12345")
    effective: dt.date
    on: dt.date | None = None


@router.post("/cases/{case_id}/publish", summary="Record the Federal Register publication of a decision")
def publish(
    case_id: CaseId,
    body: PublishIn,
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.ADMIN)),
) -> dict[str, Any]:
    """Only a published decision reaches the official answers; refusals are 422."""
    publish_decision(session, case_id, fr_cite=body.fr_cite, effective=body.effective, on=body.on)
    session.commit()
    return case_json(session, erc.get_case(session, case_id))


class DecideIn(BaseModel):
    """The date of the tally."""

    on: dt.date


class EscalateIn(BaseModel):
    """Who escalates, and why."""

    on: dt.date
    by: Agency
    reason: str = Field("", max_length=10_000)


class FinalizeIn(BaseModel):
    """Closing a decided case."""

    on: dt.date
    effective: dt.date | None = None


class PresidentIn(BaseModel):
    """The President's final decision."""

    on: dt.date
    approve: StrictBool
    reason: str = Field("", max_length=10_000)
    effective: dt.date | None = None


Admin = Depends(require(Role.ADMIN))


@router.post("/cases/{case_id}/decide", summary="Tally the votes at the current level")
def decide(
    case_id: CaseId, body: DecideIn, session: Session = Depends(get_session), _who: Identity = Admin
) -> dict[str, Any]:
    """The outcome by the level's rule; refused steps are 422."""
    _run(session, lambda: erc.decide(session, case_id, on=body.on))
    return case_json(session, erc.get_case(session, case_id))


@router.post("/cases/{case_id}/escalate", summary="Take a case to the next level")
def escalate(
    case_id: CaseId, body: EscalateIn, session: Session = Depends(get_session), _who: Identity = Admin
) -> dict[str, Any]:
    """Escalate a deadlocked or appealed case."""
    _run(session, lambda: erc.escalate(session, case_id, by=body.by, reason=body.reason, on=body.on))
    return case_json(session, erc.get_case(session, case_id))


@router.post("/cases/{case_id}/finalize", summary="Close a decided case after its appeal window")
def finalize(
    case_id: CaseId, body: FinalizeIn, session: Session = Depends(get_session), _who: Identity = Admin
) -> dict[str, Any]:
    """A decision only: the lists change when it is published (`publish`)."""
    _run(session, lambda: erc.finalize(session, case_id, on=body.on, effective=body.effective))
    return case_json(session, erc.get_case(session, case_id))


@router.post("/cases/{case_id}/president", summary="The President's final decision")
def president(
    case_id: CaseId, body: PresidentIn, session: Session = Depends(get_session), _who: Identity = Admin
) -> dict[str, Any]:
    """Approve or deny (final)."""
    _run(
        session,
        lambda: erc.president_decide(
            session,
            case_id,
            approve=body.approve,
            rationale=body.reason,
            on=body.on,
            effective=body.effective,
        ),
    )
    return case_json(session, erc.get_case(session, case_id))


@router.get("/cases/{case_id}/notice", summary="Draft Federal Register notice")
def notice(
    case_id: CaseId, session: Session = Depends(get_session), _who: Identity = Depends(require(Role.VIEWER))
) -> dict[str, str]:
    """The draft notice as text and HTML."""
    row = erc.get_case(session, case_id)
    return {"text": erc.notice_text(row), "html": erc.notice_html(row)}
