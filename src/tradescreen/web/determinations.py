"""Web page: the license determination form and its result."""

from __future__ import annotations

import datetime as dt

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from tradescreen.domain import LicenseDetermination
from tradescreen.errors import InputError, TradescreenError
from tradescreen.rules.licensing import ROLES, TransactionParty, determine
from tradescreen.services.access import get_session
from tradescreen.services.auth import Identity, Role
from tradescreen.services.lists import answer_basis
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
                    answer_basis(session)  # fail closed without an official list
                    result = determine(session, parse_parties(parties), eccn, destination, day)
                except TradescreenError as exc:
                    error = str(exc)
        return templates.TemplateResponse(
            request,
            "determine.html",
            {
                "parties": parties,
                "eccn": eccn,
                "destination": destination,
                "as_of": as_of,
                "roles": ROLES,
                "result": result,
                "error": error,
            },
        )
