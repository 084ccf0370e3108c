"""Screening certificates: what was screened, when, against which list versions (with
checksums), the hits and their dispositions — as HTML and as PDF."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.errors import InputError, NotFoundError
from tradescreen.store.review_tables import AlertRow, DispositionRow, ScreeningRow


@dataclass(frozen=True, slots=True)
class CertificateHit:
    """One hit and what reviewers did with it."""

    entity_id: str
    list_name: str
    score: float
    state: str
    dispositions: list[str]


@dataclass(frozen=True, slots=True)
class Certificate:
    """The facts a certificate states."""

    screening_id: int
    name: str
    at: dt.datetime
    actor: str
    versions: list[dict[str, object]]
    hits: list[CertificateHit]


def _hit_names(hit: dict[str, Any]) -> tuple[str, str]:
    """(entity id, list names) of a stored hit: a service result (`entity`, `memberships`)
    or a hit as screenings recorded them before the one result model."""
    if "entity" in hit:
        lists = dict.fromkeys(str(m.get("list", "")) for m in hit.get("memberships", []))
        return str(hit["entity"]["id"]), "; ".join(n for n in lists if n)
    return str(hit["entity_id"]), str(hit["list_name"])


def gather(session: Session, screening_id: int) -> Certificate:
    """Collect one screening with its alerts and dispositions."""
    row = session.get(ScreeningRow, screening_id)
    if row is None:
        raise NotFoundError(f"no screening {screening_id}")
    alerts = {
        a.entity_id: a for a in session.scalars(select(AlertRow).where(AlertRow.screening_id == row.id))
    }
    hits: list[CertificateHit] = []
    for hit in row.hits:
        entity_id, list_name = _hit_names(hit)
        alert = alerts.get(entity_id)
        steps = (
            []
            if alert is None
            else [
                f"{d.at:%Y-%m-%d %H:%M} {d.reviewer}: {d.action} ({d.reason})"
                for d in session.scalars(
                    select(DispositionRow)
                    .where(DispositionRow.alert_id == alert.id)
                    .order_by(DispositionRow.id)
                )
            ]
        )
        state = alert.state if alert else "not raised (cleared before)"
        hits.append(CertificateHit(entity_id, list_name, float(hit["score"]), state, steps))
    return Certificate(row.id, row.name, row.at, row.actor, list(row.versions), hits)


def to_html(cert: Certificate) -> str:
    """The certificate as a self-contained HTML page."""
    versions = "".join(
        f"<tr><td>{v['id']}</td><td>{escape(str(v['feed']))}</td><td><code>{v['sha256']}</code></td></tr>"
        for v in cert.versions
    )
    hits = "".join(
        f"<tr><td>{escape(str(h.list_name))}<br><small>{escape(str(h.entity_id))}</small></td>"
        f"<td>{h.score}</td><td>{escape(str(h.state))}</td>"
        f"<td>{'<br>'.join(escape(d) for d in h.dispositions) or '-'}</td></tr>"
        for h in cert.hits
    )
    return (
        f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Screening certificate "
        f"{cert.screening_id}</title></head><body><h1>Screening certificate</h1>"
        f"<p>Party screened: <strong>{escape(cert.name)}</strong><br>When: {cert.at:%Y-%m-%d %H:%M %Z}<br>"
        f"By: {escape(cert.actor)}<br>Screening id: {cert.screening_id}</p>"
        "<h2>List versions</h2><table><tr><th>Version</th><th>Feed</th><th>sha256</th></tr>"
        f"{versions}</table>"
        f"<h2>Hits ({len(cert.hits)})</h2><table><tr><th>Entry</th><th>Score</th><th>State</th>"
        f"<th>Dispositions</th></tr>{hits}</table></body></html>"
    )


def to_pdf(cert: Certificate, path: Path) -> None:
    """The certificate as a PDF file (reportlab)."""
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    styles = getSampleStyleSheet()
    story = [
        Paragraph("Screening certificate", styles["Title"]),
        Paragraph(f"Party screened: <b>{escape(cert.name)}</b>", styles["Normal"]),
        Paragraph(
            f"When: {cert.at:%Y-%m-%d %H:%M %Z} — by {escape(cert.actor)} — screening {cert.screening_id}",
            styles["Normal"],
        ),
        Spacer(1, 12),
        Paragraph("List versions", styles["Heading2"]),
        Table(
            [
                ["Version", "Feed", "sha256"],
                *[[str(v["id"]), str(v["feed"]), str(v["sha256"])[:32] + "…"] for v in cert.versions],
            ]
        ),
        Spacer(1, 12),
        Paragraph(f"Hits ({len(cert.hits)})", styles["Heading2"]),
    ]
    for h in cert.hits:
        story.append(
            Paragraph(
                f"{escape(str(h.list_name))} ({escape(str(h.entity_id))}), score "
                f"{h.score}: {escape(str(h.state))}",
                styles["Normal"],
            )
        )
        for d in h.dispositions:
            story.append(Paragraph("— " + escape(str(d)), styles["Normal"]))
    SimpleDocTemplate(str(path), pagesize=A4).build(story)


def write(session: Session, screening_id: int, out: Path) -> Path:
    """Write the certificate as .html or .pdf, by the file's extension."""
    cert = gather(session, screening_id)
    if out.suffix.lower() == ".pdf":
        to_pdf(cert, out)
    elif out.suffix.lower() in (".html", ".htm"):
        out.write_text(to_html(cert), encoding="utf-8")
    else:
        raise InputError("the certificate file must end in .html or .pdf", field="--out")
    return out
