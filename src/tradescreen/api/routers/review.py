"""Alerts, dispositions, certificates and the audit check over the API."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from tradescreen import certificate, review
from tradescreen.errors import InputError
from tradescreen.services.access import get_session, require
from tradescreen.services.auth import Identity, Role
from tradescreen.store import audit
from tradescreen.store.review_tables import AlertRow

# Ids are database integers: bounded so that no request can overflow them.
CaseId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]

router = APIRouter(tags=["review"])


def alert_json(a: AlertRow) -> dict[str, Any]:
    """JSON form of an alert."""
    return {
        "id": a.id,
        "state": a.state,
        "score": a.score,
        "customer_id": a.customer_id,
        "party": a.party_name,
        "entity_id": a.entity_id,
        "list_name": a.list_name,
        "source": a.source,
        "explanation": a.explanation,
        "reason": a.reason,
        "created_at": a.created_at.isoformat(),
        "screening_id": a.screening_id,
        "party_key": a.party_key,
        "last_seen": a.last_seen.isoformat() if a.last_seen else None,
        "times_seen": a.times_seen,
    }


@router.get("/alerts", summary="The review queue")
def alerts(
    state: list[Literal["open", "escalated", "cleared", "confirmed"]] = Query(["open", "escalated"]),
    order: str = Query("score", pattern="^(score|age)$"),
    min_score: float = Query(0.0, ge=0, le=1),
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.VIEWER)),
) -> list[dict[str, Any]]:
    """Alerts in the given states, by score or age."""
    return [alert_json(a) for a in review.alerts(session, states=state, order=order, min_score=min_score)]


class DispositionIn(BaseModel):
    """A reviewer's decision on one or more alerts."""

    alert_ids: list[Annotated[int, Field(ge=1, le=2**31 - 1)]] = Field(..., min_length=1, max_length=500)
    action: str = Field(..., pattern="^(clear|confirm|escalate)$")
    reason: str = Field(..., min_length=1, max_length=5000)
    four_eyes: bool = False


@router.post("/alerts/dispositions", summary="Clear, confirm or escalate alerts (bulk)")
def dispose(
    body: DispositionIn,
    session: Session = Depends(get_session),
    who: Identity = Depends(require(Role.SCREENER)),
) -> list[dict[str, Any]]:
    """Apply one disposition to every alert listed; all or nothing."""
    out = []
    for alert_id in body.alert_ids:
        try:
            out.append(
                alert_json(
                    review.dispose(
                        session,
                        alert_id,
                        action=body.action,
                        reviewer=who.name,
                        reason=body.reason,
                        four_eyes=body.four_eyes,
                    )
                )
            )
        except review.ReviewError as exc:
            raise InputError(str(exc), field="alert_ids") from exc
    session.commit()  # committed before the response, so a following request sees it
    return out


@router.get(
    "/screenings/{screening_id}/certificate",
    summary="Screening certificate (HTML or PDF)",
    responses={200: {"content": {"text/html": {}, "application/pdf": {}}}},
)
def certificate_download(
    screening_id: CaseId,
    format: str = Query("html", pattern="^(html|pdf)$"),
    session: Session = Depends(get_session),
    _who: Identity = Depends(require(Role.VIEWER)),
) -> Any:
    """What was screened, when, against which list versions, hits and dispositions."""
    cert = certificate.gather(session, screening_id)
    if format == "html":
        return HTMLResponse(certificate.to_html(cert))
    path = Path(tempfile.mkdtemp(prefix="tradescreen-cert-")) / f"certificate-{screening_id}.pdf"
    certificate.to_pdf(cert, path)
    return FileResponse(path, media_type="application/pdf", filename=path.name)


@router.get("/audit/verify", summary="Check the audit log's hash chain")
def audit_verify(
    session: Session = Depends(get_session), _who: Identity = Depends(require(Role.ADMIN))
) -> dict[str, Any]:
    """Whether the chain is intact, and which records are not."""
    report = audit.verify(session)
    return {"ok": report.ok, "records": report.records, "problems": report.problems, "notes": report.notes}
