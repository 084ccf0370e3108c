"""Rule answers as services: one function per question, for the CLI, the API and the web.

Front ends parse, call one of these, and render (issue #10). Every answer about parties
carries the lists it stands on (`answer_basis`: fail closed without an official list). A
`scenario` (an ERC case number) evaluates the question as if that case's decision were
published; such answers carry `scenario`, a label starting "SCENARIO (not an official
answer)", and are never recorded as an official screening.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.orm import Session

from tradescreen import erc
from tradescreen.domain import LicenseDetermination, Party, Relationship
from tradescreen.errors import InputError
from tradescreen.history import ListingStatus, owners_on
from tradescreen.rules.investment import SecuritiesFinding, check_security
from tradescreen.rules.licensing import TransactionParty, determine
from tradescreen.rules.parties import PartyResolver
from tradescreen.services.lists import answer_basis
from tradescreen.services.models import ListUsed, ScreeningResponse
from tradescreen.services.screening import screen_party


@dataclass(frozen=True, slots=True)
class Basis:
    """What an answer stands on: the active official list versions and staleness warnings."""

    lists: list[ListUsed]
    warnings: list[str]


@dataclass(frozen=True, slots=True)
class DeterminationAnswer:
    """A license determination and its basis."""

    result: LicenseDetermination
    basis: Basis


@dataclass(frozen=True, slots=True)
class StatusAnswer:
    """Whether and how a party was restricted on a date."""

    name: str
    as_of: dt.date
    listings: list[ListingStatus]
    owners: list[Relationship]
    basis: Basis
    scenario: str | None = None
    restricted: bool = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "restricted", any(s.restricted for s in self.listings))


@dataclass(frozen=True, slots=True)
class SecuritiesAnswer:
    """Investment-ban findings for one issuer, ticker or ISIN."""

    as_of: dt.date
    findings: list[SecuritiesFinding]
    basis: Basis


def _basis(session: Session) -> Basis:
    used, warnings = answer_basis(session)  # fail closed without an official list
    return Basis(used, warnings)


@contextmanager
def _under(session: Session, scenario: int | None) -> Iterator[tuple[Session, str | None]]:
    """The session to answer with: the caller's, or one where the ERC case's decision is
    applied inside a savepoint that is always rolled back. A scenario then ends the caller's
    (read-only) transaction too, so that no write lock outlives the answer (SQLite)."""
    if scenario is None:
        yield session, None
        return
    if scenario < 1:
        raise InputError(f"not an ERC case number: {scenario}", field="scenario")
    try:
        with erc.scenario(session, scenario) as (answering, label):
            yield answering, label
    finally:
        session.rollback()


def determine_transaction(
    session: Session,
    parties: list[TransactionParty],
    eccn: str,
    destination: str,
    as_of: dt.date | None = None,
    *,
    scenario: int | None = None,
) -> DeterminationAnswer:
    """License determination for a transaction (optionally under an ERC scenario)."""
    basis = _basis(session)
    with _under(session, scenario) as (answering, label):
        result = determine(answering, parties, eccn, destination, as_of)
    if label is not None:
        result = replace(result, scenario=label)
    return DeterminationAnswer(result, basis)


def screen_scenario(session: Session, party: Party, case_id: int, **options: Any) -> ScreeningResponse:
    """`screen` as if ERC case `case_id`'s decision were published: labelled SCENARIO, never
    recorded (no audit record, no alert)."""
    with _under(session, case_id) as (answering, label):
        response = screen_party(answering, party, **{**options, "record": False})
    return response.model_copy(update={"scenario": label, "screening_id": None, "alerts": []})


def party_status(
    session: Session, name: str, as_of: dt.date | None = None, *, scenario: int | None = None
) -> StatusAnswer:
    """Whether and how a party was restricted on `as_of`: the listings found by the one
    decision function `PartyResolver.listings` (the same threshold and corrections as
    `determine`), and its owners on record."""
    if not name.strip():
        raise InputError("empty name", field="name")
    day = as_of or dt.date.today()
    basis = _basis(session)
    with _under(session, scenario) as (answering, label):
        found = PartyResolver(answering).listings(Party(name), day)
        seen: set[str] = set()
        listings = []
        for pl in found:
            if pl.status.entity_id not in seen:
                seen.add(pl.status.entity_id)
                listings.append(pl.status)
        owners = owners_on(answering, name, day)
    return StatusAnswer(name, day, listings, owners, basis, label)


def securities(
    session: Session,
    *,
    issuer: str | None = None,
    ticker: str | None = None,
    isin: str | None = None,
    as_of: dt.date | None = None,
) -> SecuritiesAnswer:
    """Investment-ban check (NS-CMIC / EO 13959) for one issuer, ticker or ISIN."""
    if not any(v and v.strip() for v in (issuer, ticker, isin)):
        raise InputError("give an issuer, a ticker or an ISIN", field="issuer")
    day = as_of or dt.date.today()
    basis = _basis(session)
    findings = check_security(session, issuer=issuer, ticker=ticker, isin=isin, as_of=day)
    return SecuritiesAnswer(day, list(findings), basis)


def status_document(status: ListingStatus) -> dict[str, Any]:
    """A listing status as a JSON document (CLI --json and API)."""
    return {
        "entity_id": status.entity_id,
        "list": status.source.value,
        "list_name": status.source.label,
        "name": status.name,
        "state": status.state.value,
        "restricted": status.restricted,
        "since": status.since.isoformat() if status.since else None,
        "license_requirement": status.license_requirement,
        "license_policy": status.license_policy,
        "footnotes": list(status.footnotes),
        "general_license_active": status.general_license_active,
        "citations": [c.text for c in status.citations],
        "events": [
            {
                "date": e.date.isoformat(),
                "type": e.event_type.value,
                "description": e.description,
                "citation": e.citation.text if e.citation else None,
                "verified": e.verified,
            }
            for e in status.events
        ],
        "unverified": list(status.unverified),
    }


def publish_decision(
    session: Session, case_id: int, *, fr_cite: str, effective: dt.date, on: dt.date | None = None
) -> str:
    """Record the Federal Register publication of an approved ERC decision; refusals are
    bad input (the case is left unchanged)."""
    try:
        return erc.publish(session, case_id, fr_cite=fr_cite, effective=effective, on=on)
    except erc.ERCError as exc:
        raise InputError(str(exc), field="case") from exc
