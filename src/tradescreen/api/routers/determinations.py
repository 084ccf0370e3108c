"""License determinations, de minimis, the Entity List FDP procedure and investment bans."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, Field, StrictBool
from sqlalchemy.orm import Session

from tradescreen.rules.countries import country_codes
from tradescreen.rules.de_minimis import de_minimis
from tradescreen.rules.direct_product import entity_list_fdp
from tradescreen.rules.licensing import ROLES, TransactionParty
from tradescreen.services.access import get_session, require
from tradescreen.services.auth import Identity, Role
from tradescreen.services.rules import determine_transaction, securities

router = APIRouter()
MAX_PARTIES = 50

# The schema says what the rules accept: an ECCN's syntax (§738.2(d)) or EAR99, an assigned
# ISO 3166-1 alpha-2 code (upper case), an ERC case number.
ECCN_PATTERN = r"^(EAR99|[0-9][A-E][0-9]{3}(\.[a-z0-9]+)*)$"
COUNTRIES = country_codes()
CountryCode = Annotated[
    str, Field(min_length=2, max_length=2, pattern="^[A-Z]{2}$", json_schema_extra={"enum": COUNTRIES})
]
ScenarioCase = Annotated[
    int | None,
    Field(
        ge=1,
        le=2**31 - 1,
        description="ERC case: answer as if its decision were published (labelled SCENARIO, not official)",
    ),
]


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
    role: str = Field("party", pattern=f"^({'|'.join(ROLES)})$", description=f"One of: {', '.join(ROLES)}")
    country: CountryCode | None = None


class DeterminationRequest(BaseModel):
    """A transaction to determine."""

    parties: list[PartyIn] = Field(..., min_length=1, max_length=MAX_PARTIES)
    eccn: str = Field(
        ..., min_length=1, max_length=30, pattern=ECCN_PATTERN, description="e.g. 5A992.c, 3A090, EAR99"
    )
    destination: CountryCode = Field(..., description="ISO 3166-1 alpha-2 code, e.g. CN")
    as_of: dt.date | None = None
    scenario: ScenarioCase = None


@router.post("/determinations", summary="License determination for a transaction")
def post_determination(
    body: DeterminationRequest,
    request: Request,
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.SCREENER)),
) -> dict[str, Any]:
    """Verdict (with `verdict_unverified` and its reasons), each rule that fired with its
    citation, destination controls, the Country Chart, red flags and next steps. With
    `scenario`, the answer is labelled SCENARIO and is not recorded as an official screening."""
    parties = [TransactionParty(p.name, p.role, p.country) for p in body.parties]
    answer = determine_transaction(
        session, parties, body.eccn, body.destination, body.as_of, scenario=body.scenario
    )
    result = answer.result
    if result.scenario is None:  # scenarios are never recorded as official answers
        request.state.audit = {
            "names": [p.name for p in parties],
            "verdict": result.verdict.value,
            "rules": [r.rule for r in result.rules],
        }
    return {
        **plain(result),
        "lists": [u.model_dump(mode="json") for u in answer.basis.lists],
        "warnings": answer.basis.warnings,
    }


class DeMinimisRequest(BaseModel):
    """Values of one foreign-made item."""

    controlled_us_content: float
    price: float = Field(gt=0)
    destination: CountryCode


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
    issuer: str | None = Query(None, min_length=1, max_length=500, description="Issuer name"),
    ticker: str | None = Query(None, min_length=1, max_length=20),
    isin: str | None = Query(None, pattern="^[A-Z]{2}[A-Z0-9]{9}[0-9]$", description="ISO 6166 ISIN"),
    as_of: dt.date | None = Query(None, description="Date YYYY-MM-DD (default today)"),
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.VIEWER)),
) -> dict[str, Any]:
    """Whether US persons may buy, or may still sell to divest, an issuer's securities.
    One of `issuer`, `ticker` or `isin` is required (422 otherwise)."""
    answer = securities(session, issuer=issuer, ticker=ticker, isin=isin, as_of=as_of)
    return {
        "as_of": answer.as_of.isoformat(),
        "findings": plain(answer.findings),
        "lists": [u.model_dump(mode="json") for u in answer.basis.lists],
        "warnings": answer.basis.warnings,
    }
