"""Review of screening hits: recorded screenings, alerts, dispositions, four eyes, and the
memory of cleared false positives.

A cleared false positive is remembered per (customer, list entry) with the entry's content
hash and the customer's name as they were: the same pair raises no new alert on the next
screening unless the entry changed (new alias, address, listing) or the customer's name
changed — then the alert comes back saying what changed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.domain import ScreeningResult
from tradescreen.errors import InputError, NotFoundError, TradescreenError
from tradescreen.store import audit
from tradescreen.store.review_tables import AlertRow, DispositionRow, ScreeningRow, SuppressionRow
from tradescreen.store.schema import EntryRow, ListVersionRow

STATES = ("open", "escalated", "cleared", "confirmed")
ACTIONS = ("clear", "confirm", "escalate")


class ReviewError(TradescreenError):
    """A disposition the workflow does not allow."""


@dataclass(frozen=True, slots=True)
class RecordedScreening:
    """What recording a screening did."""

    screening_id: int
    new_alerts: list[int]
    suppressed: list[str]  # entity ids not raised because they were cleared before
    seen_alerts: list[int] = field(default_factory=list)  # open alerts this screening repeated


def _entry_hash(session: Session, entity_id: str) -> str:
    row = session.execute(
        select(EntryRow.content_hash)
        .join(ListVersionRow, EntryRow.version_id == ListVersionRow.id)
        .where(EntryRow.entity_id == entity_id)
        .order_by(ListVersionRow.active.desc(), ListVersionRow.id.desc())
        .limit(1)
    ).first()
    return row[0] if row else ""


def _customer_key(customer_id: str | None, name: str) -> str:
    return f"id:{customer_id}" if customer_id else f"name:{name.casefold()}"


def party_key(customer_id: str | None, name: str) -> str:
    """Who an alert is about: the customer id, or the name as screened (case-folded)."""
    return _customer_key(customer_id, name)


def record_screening(
    session: Session,
    result: ScreeningResult,
    *,
    actor: str,
    customer_id: str | None = None,
    details: list[dict[str, Any]] | None = None,
    ownership: list[dict[str, Any]] | None = None,
) -> RecordedScreening:
    """Store a screening and its hits, raising alerts for hits not cleared before.

    `result.hits` are what may alert (the caller passes live listings only); `details`,
    when given, is the full answer kept with the screening (results with every membership).
    One open alert per (party key, entity): a repeat updates its last seen date and count.
    """
    versions = [
        {"id": v.id, "feed": v.feed, "sha256": v.sha256}
        for v in session.scalars(select(ListVersionRow).where(ListVersionRow.id.in_(result.version_ids)))
    ]
    customer_id = customer_id or result.party.id
    hits = [
        {
            "entity_id": h.entity_id,
            "source": h.source.value,
            "list_name": h.list_name,
            "matched_name": h.matched_name,
            "score": h.score,
            "explanation": h.explanation,
        }
        for h in result.hits
    ]
    screening = ScreeningRow(
        actor=actor,
        customer_id=customer_id,
        name=result.party.name,
        country=result.party.country,
        versions=versions,
        hits=details if details is not None else hits,
    )
    session.add(screening)
    session.flush()
    key = _customer_key(customer_id, result.party.name)
    new_alerts: list[int] = []
    seen_alerts: list[int] = []
    suppressed: list[str] = []
    now = dt.datetime.now(dt.UTC)
    for hit in result.hits:
        digest = _entry_hash(session, hit.entity_id)
        memory = session.scalars(
            select(SuppressionRow)
            .where(SuppressionRow.customer_key == key, SuppressionRow.entity_id == hit.entity_id)
            .order_by(SuppressionRow.id.desc())
        ).first()
        reason = ""
        if memory is not None:
            changed = []
            if memory.entry_hash != digest:
                changed.append("the list entry changed since it was cleared (alias, address or listing)")
            if memory.customer_name.casefold() != result.party.name.casefold():
                changed.append(f"the customer's name changed from {memory.customer_name!r}")
            if not changed:
                suppressed.append(hit.entity_id)
                continue
            reason = "raised again: " + "; ".join(changed)
        open_alert = session.scalars(
            select(AlertRow)
            .where(
                AlertRow.party_key == key,
                AlertRow.entity_id == hit.entity_id,
                AlertRow.state.in_(("open", "escalated")),
            )
            .order_by(AlertRow.id)
        ).first()
        if open_alert is not None:
            # Already waiting for review: count the repeat instead of adding an alert.
            open_alert.last_seen = now
            open_alert.times_seen = (open_alert.times_seen or 1) + 1
            open_alert.score = max(open_alert.score, hit.score)
            if reason:
                open_alert.reason = reason
            seen_alerts.append(open_alert.id)
            continue
        alert = AlertRow(
            screening_id=screening.id,
            customer_id=customer_id,
            party_name=result.party.name,
            entity_id=hit.entity_id,
            list_name=hit.list_name,
            source=hit.source.value,
            score=hit.score,
            explanation=hit.explanation,
            entry_hash=digest,
            state="open",
            reason=reason,
            party_key=key,
            last_seen=now,
            times_seen=1,
        )
        session.add(alert)
        session.flush()
        new_alerts.append(alert.id)
    audit.append(
        session,
        "screening",
        actor,
        {
            "screening_id": screening.id,
            "name": result.party.name,
            "customer_id": customer_id,
            "as_of": result.as_of.isoformat() if result.as_of else None,
            "versions": versions,
        },
    )
    audit.append(
        session,
        "screening_result",
        actor,
        {
            "screening_id": screening.id,
            "hits": [h["entity_id"] for h in hits],
            "alerts": new_alerts,
            "repeated_alerts": seen_alerts,
            "suppressed": suppressed,
            "ownership": ownership or [],
        },
    )
    return RecordedScreening(screening.id, new_alerts, suppressed, seen_alerts)


def dispose(
    session: Session, alert_id: int, *, action: str, reviewer: str, reason: str, four_eyes: bool = False
) -> AlertRow:
    """Clear, confirm or escalate an alert, with a reason.

    With `four_eyes`, a true match needs confirmation by two different reviewers: the first
    confirmation leaves the alert escalated, the second (by someone else) confirms it.
    """
    alert = session.get(AlertRow, alert_id)
    if alert is None:
        raise NotFoundError(f"no alert {alert_id}")
    if action not in ACTIONS:
        raise InputError(f"unknown action {action!r} ({', '.join(ACTIONS)})", field="action")
    if not reason.strip():
        raise InputError("a disposition needs a reason", field="reason")
    if not reviewer.strip():
        raise InputError("who is reviewing?", field="reviewer")
    if alert.state in ("cleared", "confirmed"):
        raise ReviewError(f"alert {alert_id} is already {alert.state}")
    if action == "clear":
        alert.state = "cleared"
        session.add(
            SuppressionRow(
                customer_key=_customer_key(alert.customer_id, alert.party_name),
                entity_id=alert.entity_id,
                entry_hash=alert.entry_hash,
                customer_name=alert.party_name,
                alert_id=alert.id,
            )
        )
    elif action == "escalate":
        alert.state = "escalated"
    else:
        earlier = [c["reviewer"] for c in alert.confirmations]
        if reviewer in earlier:
            raise ReviewError(
                f"{reviewer} already confirmed alert {alert_id}: a second reviewer must confirm"
            )
        alert.confirmations = [
            *alert.confirmations,
            {"reviewer": reviewer, "at": dt.datetime.now(dt.UTC).isoformat()},
        ]
        alert.state = "confirmed" if not four_eyes or len(alert.confirmations) >= 2 else "escalated"
    session.add(DispositionRow(alert_id=alert.id, reviewer=reviewer, action=action, reason=reason))
    session.flush()
    audit.append(
        session,
        "disposition",
        reviewer,
        {"alert_id": alert.id, "action": action, "reason": reason, "state": alert.state},
    )
    return alert


def alerts(
    session: Session,
    *,
    states: Sequence[str] = ("open", "escalated"),
    order: str = "score",
    min_score: float = 0.0,
) -> list[AlertRow]:
    """The review queue: by score (highest first) or by age (oldest first)."""
    bad = [s for s in states if s not in STATES]
    if bad:
        raise InputError(f"unknown state {bad[0]!r} ({', '.join(STATES)})", field="state")
    stmt = select(AlertRow).where(AlertRow.state.in_(list(states)), AlertRow.score >= min_score)
    stmt = (
        stmt.order_by(AlertRow.score.desc(), AlertRow.id) if order == "score" else stmt.order_by(AlertRow.id)
    )
    return list(session.scalars(stmt))


def dispositions(session: Session, alert_id: int) -> list[DispositionRow]:
    """An alert's dispositions in order."""
    return list(
        session.scalars(
            select(DispositionRow).where(DispositionRow.alert_id == alert_id).order_by(DispositionRow.id)
        )
    )


def alerts_by_entity(
    session: Session, *, states: Sequence[str] = ("open", "escalated")
) -> dict[str, list[AlertRow]]:
    """The review queue grouped by list entity (highest score first within each group),
    groups ordered by their best score."""
    groups: dict[str, list[AlertRow]] = {}
    for alert in alerts(session, states=states, order="score"):
        groups.setdefault(alert.entity_id, []).append(alert)
    return groups
