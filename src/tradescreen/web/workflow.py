"""Web pages for the workflows: ERC cases (list, case timeline, draft notice) and the
review queue (filters, sorting by score or age, bulk dispositions, keyboard-friendly)."""

from __future__ import annotations

import datetime as dt

from fastapi import Depends, FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen import erc, review
from tradescreen.errors import InputError, TradescreenError
from tradescreen.services.access import get_session
from tradescreen.services.auth import Identity, Role
from tradescreen.services.rules import publish_decision
from tradescreen.store.erc_tables import ErcCaseRow
from tradescreen.web.charts import timeline_svg
from tradescreen.web.common import templates, viewer


def mount(app: FastAPI) -> None:
    """Add /erc, /erc/{id} and /review."""

    @app.get("/erc", response_class=HTMLResponse, include_in_schema=False)
    def erc_cases(
        request: Request, session: Session = Depends(get_session), _who: Identity = Depends(viewer)
    ) -> HTMLResponse:
        rows = list(session.scalars(select(ErcCaseRow).order_by(ErcCaseRow.id.desc())))
        return templates.TemplateResponse(request, "erc_list.html", {"cases": rows})

    @app.get("/erc/{case_id}", response_class=HTMLResponse, include_in_schema=False)
    def erc_case(
        request: Request,
        case_id: int,
        message: str = "",
        session: Session = Depends(get_session),
        _who: Identity = Depends(viewer),
    ) -> HTMLResponse:
        case = erc.get_case(session, case_id)
        steps = erc.history(session, case_id)
        shown = [s for s in steps if s.kind != "vote" and s.kind != "note"]
        chart = timeline_svg([(s.on, s.kind, f"{s.level}: {s.what}") for s in shown], listing=False)
        return templates.TemplateResponse(
            request,
            "erc_case.html",
            {
                "case": case,
                "steps": steps,
                "chart": chart,
                "notice": erc.notice_html(case),
                "level_names": erc.LEVEL_NAMES,
                "agencies": erc.committee(case),
                "message": message,
                "today": dt.date.today().isoformat(),
            },
        )

    @app.post("/erc/{case_id}", include_in_schema=False)
    def erc_step(
        case_id: int,
        step: str = Form(...),
        on: str = Form(...),
        agency: str = Form(""),
        vote: str = Form(""),
        reason: str = Form(""),
        effective: str = Form(""),
        fr_cite: str = Form(""),
        session: Session = Depends(get_session),
        who: Identity = Depends(viewer),
    ) -> RedirectResponse:
        if who.role < Role.ADMIN:
            raise HTTPException(403, "admin role required to record ERC steps")
        try:
            day = dt.date.fromisoformat(on)
            when = dt.date.fromisoformat(effective) if effective else None
            if step == "vote":
                erc.vote(session, case_id, agency=agency, yes=vote == "yes", rationale=reason, on=day)
            elif step == "decide":
                erc.decide(session, case_id, on=day)
            elif step == "escalate":
                erc.escalate(session, case_id, by=agency, reason=reason, on=day)
            elif step == "finalize":
                erc.finalize(session, case_id, on=day, effective=when)
            elif step == "president":
                erc.president_decide(
                    session, case_id, approve=vote == "yes", rationale=reason, on=day, effective=when
                )
            elif step == "publish":
                if when is None:
                    raise InputError("missing effective date", field="effective")
                publish_decision(session, case_id, fr_cite=fr_cite, effective=when, on=day)
            else:
                raise HTTPException(422, f"unknown step {step!r}")
            session.commit()  # before the redirect: the case page must show it
            message = f"{step} recorded"
        except (TradescreenError, ValueError) as exc:
            session.rollback()
            message = f"refused: {exc}"
        return RedirectResponse(f"/erc/{case_id}?message={message}", status_code=303)

    @app.get("/review", response_class=HTMLResponse, include_in_schema=False)
    def review_queue(
        request: Request,
        state: str = "open,escalated",
        order: str = "score",
        min_score: float = 0.0,
        message: str = "",
        session: Session = Depends(get_session),
        _who: Identity = Depends(viewer),
    ) -> HTMLResponse:
        states = [s for s in state.split(",") if s]
        try:
            rows = review.alerts(
                session, states=states, order="age" if order == "age" else "score", min_score=min_score
            )
        except TradescreenError as exc:
            raise HTTPException(422, str(exc)) from exc
        now = dt.datetime.now(dt.UTC)
        ages = {a.id: (now - a.created_at.replace(tzinfo=a.created_at.tzinfo or dt.UTC)).days for a in rows}
        return templates.TemplateResponse(
            request,
            "review.html",
            {
                "alerts": rows,
                "ages": ages,
                "state": state,
                "order": order,
                "min_score": min_score,
                "message": message,
            },
        )

    @app.post("/review", include_in_schema=False)
    def review_bulk(
        request: Request,
        action: str = Form(...),
        reason: str = Form(""),
        alert_ids: list[int] = Form(default_factory=list),
        session: Session = Depends(get_session),
        who: Identity = Depends(viewer),
    ) -> RedirectResponse:
        if who.role < Role.SCREENER:
            raise HTTPException(403, "screener role required")
        done = 0
        try:
            for alert_id in alert_ids:
                review.dispose(session, alert_id, action=action, reviewer=who.name, reason=reason)
                done += 1
            message = f"{done} alert(s): {action}"
            session.commit()  # before the redirect: the next page must see it
        except TradescreenError as exc:
            session.rollback()
            message = f"nothing changed: {exc}"
        return RedirectResponse(f"/review?message={message}", status_code=303)
