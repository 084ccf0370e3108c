"""CLI: customer book, monitoring, alert review, audit log and certificates."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from tradescreen import certificate, monitor, review
from tradescreen.cli.common import console, handle_errors
from tradescreen.config import load_settings
from tradescreen.store import audit
from tradescreen.store.db import get_engine, session_scope

# This module's commands; `tradescreen.cli` mounts it on the root app.
app = typer.Typer()

book_app = typer.Typer(help="The customer book that monitoring re-screens.", no_args_is_help=True)
monitor_app = typer.Typer(help="Re-screen the book when lists change; notifications.", no_args_is_help=True)
review_app = typer.Typer(help="Review alerts: clear, confirm, escalate.", no_args_is_help=True)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
app.add_typer(book_app, name="book")
app.add_typer(monitor_app, name="monitor")
app.add_typer(review_app, name="review")
app.add_typer(audit_app, name="audit")


@book_app.command("import")
@handle_errors
def book_import(
    path: Annotated[Path, typer.Argument(help="CSV: id,name[,country,address,type]")],
) -> None:
    """Add customers and update changed ones by id."""
    with session_scope(get_engine()) as session:
        result = monitor.import_book(session, path)
    console.print(f"customers: {result.added} added, {result.updated} updated, {result.unchanged} unchanged")


@monitor_app.command("run")
@handle_errors
def monitor_run(
    webhook: Annotated[
        str | None, typer.Option(help="POST new alerts here (default $TRADESCREEN_WEBHOOK_URL)")
    ] = None,
    digest: Annotated[Path | None, typer.Option(help="Write today's digest file into this folder")] = None,
    threshold: Annotated[float | None, typer.Option()] = None,
) -> None:
    """Re-screen the book against entries added or changed since the last run."""
    url = webhook or (load_settings().webhook_url or None)
    with session_scope(get_engine()) as session:
        result = monitor.run(session, threshold=threshold, webhook_url=url)
    for feed, (old, new, count) in result.feeds.items():
        console.print(f"{feed}: version {old or '-'} → {new}: {count} entries re-screened against the book")
    console.print(f"{len(result.new_alerts)} new alerts")
    if url:
        with session_scope(get_engine()) as session:
            sent, pending = monitor.deliver(session, load_settings().webhook_secret)
        console.print(f"notifications: {sent} delivered, {pending} pending (kept, retried next run)")
    if digest:
        with session_scope(get_engine()) as session:
            console.print(f"digest written to {monitor.write_digest(session, digest)}")


@review_app.command("list")
@handle_errors
def review_list(
    state: Annotated[list[str] | None, typer.Option(help="open, escalated, cleared, confirmed")] = None,
    order: Annotated[str, typer.Option(help="score or age")] = "score",
    by_entity: Annotated[bool, typer.Option("--by-entity", help="Group the alerts by list entity")] = False,
) -> None:
    """The review queue: one alert per (party, entity), with how often it was seen."""
    table = Table()
    for column in ("alert", "state", "score", "seen", "customer", "party", "list entry", "reason"):
        table.add_column(column)
    states = state or ("open", "escalated")
    with session_scope(get_engine()) as session:
        if by_entity:
            groups = review.alerts_by_entity(session, states=states)
            rows = [a for group in groups.values() for a in group]
        else:
            rows = review.alerts(session, states=states, order=order)
        previous = None
        for a in rows:
            if by_entity and a.entity_id != previous:
                table.add_section()
                previous = a.entity_id
            table.add_row(
                str(a.id),
                a.state,
                f"{a.score:.2f}",
                str(a.times_seen),
                a.customer_id or "",
                a.party_name,
                f"{a.list_name} ({a.entity_id})",
                a.reason,
            )
    console.print(table)


@review_app.command("dispose")
@handle_errors
def review_dispose(
    alert: Annotated[int, typer.Argument()],
    action: Annotated[str, typer.Option(help="clear, confirm or escalate")],
    reviewer: Annotated[str, typer.Option()],
    reason: Annotated[str, typer.Option()],
    four_eyes: Annotated[bool, typer.Option(help="A true match needs a second reviewer")] = False,
) -> None:
    """Record a disposition."""
    with session_scope(get_engine()) as session:
        row = review.dispose(
            session, alert, action=action, reviewer=reviewer, reason=reason, four_eyes=four_eyes
        )
        console.print(f"alert {alert}: {row.state}")


@audit_app.command("verify")
@handle_errors
def audit_verify() -> None:
    """Check the hash chain; exit 1 when a record was edited, deleted or inserted."""
    with session_scope(get_engine()) as session:
        report = audit.verify(session)
    for note in report.notes:
        console.print(note, highlight=False)
    if report.ok:
        console.print(f"audit log intact: {report.records} records")
        return
    for problem in report.problems:
        console.print(f"[red]{problem}[/]")
    raise typer.Exit(1)


@app.command("certificate")
@handle_errors
def certificate_command(
    screening: Annotated[int, typer.Argument(help="Screening id")],
    out: Annotated[Path, typer.Option("--out", help="File ending in .html or .pdf")],
) -> None:
    """Export a screening certificate (HTML or PDF)."""
    with session_scope(get_engine()) as session:
        path = certificate.write(session, screening, out)
    console.print(f"certificate written to {path} ({dt.date.today()})")
