"""Web page: the license determination form and its result."""

from __future__ import annotations

import datetime as dt

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.domain import LicenseDetermination
from tradescreen.errors import InputError, TradescreenError
from tradescreen.rules.licensing import ROLES, TransactionParty
from tradescreen.services.access import get_session
from tradescreen.services.auth import Identity, Role
from tradescreen.services.rules import determine_transaction
from tradescreen.store.erc_tables import ErcCaseRow
from tradescreen.web.common import templates, viewer


def parse_parties(text: str) -> list[TransactionParty]:
    """One party a line, `role=name` or a bare name."""
    parties = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        role, sep, name = line.partition("=")
        if not sep:
            parties.append(TransactionParty(line))
            continue
        role = role.strip().lower().replace(" ", "_").replace("-", "_")
        if role not in ROLES:
            raise InputError(f"line {number}: unknown role {role!r} ({', '.join(ROLES)})", field="parties")
        parties.append(TransactionParty(name.strip(), role))
    return parties


def mount(app: FastAPI) -> None:
    """Add GET /determine to `app` (templates and login handling from `web.routes`)."""

    @app.get("/determine", response_class=HTMLResponse, include_in_schema=False)
    def determine_page(
        request: Request,
        parties: str = "",
        eccn: str = "",
        destination: str = "",
        as_of: str = "",
        scenario: str = "",
        session: Session = Depends(get_session),
        who: Identity = Depends(viewer),
    ) -> HTMLResponse:
        result: LicenseDetermination | None = None
        error = ""
        if parties or eccn or destination:
            if who.role < Role.SCREENER:
                raise HTTPException(403, "determinations need the screener role")
            try:
                day = dt.date.fromisoformat(as_of) if as_of else None
            except ValueError:
                error = f"as_of: not a date: {as_of!r}"
            else:
                try:
                    case = int(scenario) if scenario else None
                    result = determine_transaction(
                        session, parse_parties(parties), eccn, destination, day, scenario=case
                    ).result
                except ValueError:
                    error = f"scenario: not an ERC case number: {scenario!r}"
                except TradescreenError as exc:
                    error = str(exc)
        # Cases whose decision is not yet official can be tried as scenarios.
        cases = session.scalars(
            select(ErcCaseRow).where(ErcCaseRow.status != "published").order_by(ErcCaseRow.id)
        ).all()
        return templates.TemplateResponse(
            request,
            "determine.html",
            {
                "parties": parties,
                "eccn": eccn,
                "destination": destination,
                "as_of": as_of,
                "scenario": scenario,
                "cases": cases,
                "roles": ROLES,
                "result": result,
                "error": error,
            },
        )
