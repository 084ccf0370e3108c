"""License determinations, de minimis, the Entity List FDP procedure and investment bans."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Any

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, Field, StrictBool
from sqlalchemy.orm import Session

from tradescreen.rules.de_minimis import de_minimis
from tradescreen.rules.direct_product import entity_list_fdp
from tradescreen.rules.investment import check_security
from tradescreen.rules.licensing import ROLES, TransactionParty, determine
from tradescreen.services.access import get_session, require
from tradescreen.services.auth import Identity, Role
from tradescreen.services.lists import answer_basis

router = APIRouter()
MAX_PARTIES = 50


def plain(value: Any) -> Any:
    """Dataclasses, enums and dates as JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [plain(v) for v in value]
    return value


class PartyIn(BaseModel):
    """A party to the transaction."""

    name: str = Field(..., min_length=1, max_length=500)
    role: str = Field("party", description=f"One of: {', '.join(ROLES)}")
    country: str | None = Field(None, min_length=2, max_length=2)


class DeterminationRequest(BaseModel):
    """A transaction to determine."""

    parties: list[PartyIn] = Field(..., min_length=1, max_length=MAX_PARTIES)
    eccn: str = Field(..., min_length=1, max_length=30, description="e.g. 5A992.c, 3A090, EAR99")
    destination: str = Field(..., min_length=1, max_length=10, description="ISO-2 country code")
    as_of: dt.date | None = None


@router.post("/determinations", summary="License determination for a transaction")
def post_determination(
    body: DeterminationRequest,
    request: Request,
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.SCREENER)),
) -> dict[str, Any]:
    """Verdict, each rule that fired with its citation, and next steps."""
    parties = [
        TransactionParty(p.name, p.role, p.country.upper() if p.country else None) for p in body.parties
    ]
    used, warnings = answer_basis(session)  # fail closed without an official list
    result = determine(session, parties, body.eccn, body.destination, body.as_of)
    request.state.audit = {
        "names": [p.name for p in parties],
        "verdict": result.verdict.value,
        "rules": [r.rule for r in result.rules],
    }
    return {
        **plain(result),
        "lists": [u.model_dump(mode="json") for u in used],
        "warnings": warnings,
    }


class DeMinimisRequest(BaseModel):
    """Values of one foreign-made item."""

    controlled_us_content: float
    price: float = Field(gt=0)
    destination: str = Field(..., min_length=1, max_length=10)


@router.post("/determinations/de-minimis", summary="De minimis calculation (§734.4)")
def post_de_minimis(body: DeMinimisRequest, _who: Identity = Depends(require(Role.VIEWER))) -> dict[str, Any]:
    """Percentage, threshold, outcome and the arithmetic shown."""
    return dict(plain(de_minimis(body.controlled_us_content, body.price, body.destination)))


class FdpRequest(BaseModel):
    """Answers to the footnote 1 questions."""

    as_of: dt.date | None = None
    direct_product_of_specified_technology: StrictBool
    produced_by_plant_that_is_direct_product: StrictBool = False
    footnote1_entity_party_to_transaction: StrictBool
    incorporated_into_item_of_footnote1_entity: StrictBool = False


@router.post("/determinations/fdp", summary="Entity List foreign direct product rule (§734.9(e)(1))")
def post_fdp(body: FdpRequest, _who: Identity = Depends(require(Role.VIEWER))) -> dict[str, Any]:
    """The questions, the answers given, conclusion and citation."""
    result = entity_list_fdp(
        body.as_of or dt.date.today(),
        direct_product_of_specified_technology=body.direct_product_of_specified_technology,
        produced_by_plant_that_is_direct_product=body.produced_by_plant_that_is_direct_product,
        footnote1_entity_party_to_transaction=body.footnote1_entity_party_to_transaction,
        incorporated_into_item_of_footnote1_entity=body.incorporated_into_item_of_footnote1_entity,
    )
    return dict(plain(result))


@router.get("/securities", summary="Investment ban check (NS-CMIC, EO 13959)")
def get_securities(
    issuer: str | None = None,
    ticker: str | None = None,
    isin: str | None = None,
    as_of: dt.date | None = None,
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.VIEWER)),
) -> dict[str, Any]:
    """Whether US persons may buy, or may still sell to divest, an issuer's securities."""
    used, warnings = answer_basis(session)  # fail closed without an official list
    day = as_of or dt.date.today()
    findings = check_security(session, issuer=issuer, ticker=ticker, isin=isin, as_of=day)
    return {
        "as_of": day.isoformat(),
        "findings": plain(findings),
        "lists": [u.model_dump(mode="json") for u in used],
        "warnings": warnings,
    }
