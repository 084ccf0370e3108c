"""CLI: whether and how a party was restricted on a date (`status`), and one entity (`entity`)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated

import typer
from rich.table import Table

from tradescreen.cli.common import console, handle_errors, parse_date
from tradescreen.cli.screening import print_lists
from tradescreen.errors import InputError, NotFoundError
from tradescreen.history import timeline
from tradescreen.services.rules import party_status, status_document
from tradescreen.store.db import get_engine, session_scope
from tradescreen.store.versions import get_entity

STATE_STYLE = {
    "listed": "[bold red]LISTED[/]",
    "listed_unknown_start": "[bold red]LISTED[/] (listing date unknown)",
    "enjoined": "[bold yellow]ENJOINED[/] (court halted enforcement)",
    "removed": "[green]removed[/]",
    "not_yet_listed": "[green]not yet listed[/]",
}


# This module's commands; `tradescreen.cli` mounts it on the root app.
app = typer.Typer()


@app.command()
@handle_errors
def status(
    name: Annotated[str, typer.Argument(help="Party name as written on the order")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    scenario: Annotated[
        int | None,
        typer.Option("--scenario", help="ERC case: answer as if its decision were published (not official)"),
    ] = None,
) -> None:
    """Say whether and how a party was restricted on a date, with citations."""
    if not name.strip():
        raise InputError("empty name", field="NAME")
    date = parse_date(as_of, "--as-of") or dt.date.today()
    with session_scope(get_engine()) as session:
        answer = party_status(session, name, date, scenario=scenario)
    used, warnings = answer.basis.lists, answer.basis.warnings
    owners, restricted, listings = answer.owners, answer.restricted, answer.listings
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "name": name,
                    "as_of": date.isoformat(),
                    "scenario": answer.scenario,
                    "restricted": restricted,
                    "lists": [u.model_dump(mode="json") for u in used],
                    "warnings": warnings,
                    "listings": [status_document(s) for s in listings],
                    "owners": [
                        {
                            "owner": r.subject,
                            "share": r.share,
                            "valid_from": r.valid_from.isoformat() if r.valid_from else None,
                            "valid_to": r.valid_to.isoformat() if r.valid_to else None,
                            "source": r.source,
                        }
                        for r in owners
                    ],
                }
            )
        )
        return
    if answer.scenario:
        console.print(f"[bold yellow]{answer.scenario}[/]", highlight=False, markup=False)
    print_lists(used, warnings, date)
    verdict = "[bold red]RESTRICTED[/]" if restricted else "[green]not restricted by any list we hold[/]"
    console.print(f"[bold]{name}[/] on {date.isoformat()}: {verdict}")
    for r in owners:
        share = f"{r.share:g}% " if r.share is not None else ""
        until = f" until {r.valid_to.isoformat()}" if r.valid_to else ""
        console.print(f"Owned {share}by [bold]{r.subject}[/]{until} (ownership, not a listing; {r.source})")
    if not listings:
        console.print("No list entry matches this name.")
        return
    table = Table(show_lines=True)
    for column in (
        "list",
        "entry",
        "status on date",
        "since",
        "license requirement / policy",
        "citations",
    ):
        table.add_column(column)
    for s in listings:
        policy = " / ".join(p for p in (s.license_requirement, s.license_policy) if p)
        if s.footnotes:
            policy += f"\nfootnote {', '.join(s.footnotes)}" + (
                ": Entity List foreign direct product rule §734.9(e)(1)" if "1" in s.footnotes else ""
            )
        if s.general_license_active:
            policy += "\nTemporary General License in force (narrow authorizations)"
        state = STATE_STYLE[s.state.value]
        if s.unverified:
            state += "\n[italic](relies on unverified facts)[/]"
        table.add_row(
            s.source.label,
            f"{s.name}\n{s.entity_id}",
            state,
            s.since.isoformat() if s.since else "",
            policy,
            "; ".join(c.text for c in s.citations),
        )
    console.print(table)


@app.command()
@handle_errors
def entity(entity_id: Annotated[str, typer.Argument(help="Entity id, e.g. ofac_sdn:36")]) -> None:
    """Show one list entity: names, addresses, identifiers, listing and history."""
    with session_scope(get_engine()) as session:
        found = get_entity(session, entity_id)
        if found is None:
            raise NotFoundError(f"no entity {entity_id!r} (ids look like 'ofac_sdn:36', see `screen`)")
        events = timeline(session, entity_id)
    entry = found.entry
    console.print(f"[bold]{entry.name}[/]  ({found.id}, {entry.source.label}, {entry.kind.value})")
    for alias in entry.aliases:
        console.print(f"  alias ({alias.alias_type.value}): {alias.value}", highlight=False)
    for address in entry.addresses:
        console.print(f"  address: {address.full}", highlight=False)
    for ident in entry.identifiers:
        console.print(f"  {ident.type}: {ident.value}" + (f" ({ident.country})" if ident.country else ""))
    if entry.programs:
        console.print(f"  programs: {', '.join(entry.programs)}")
    if entry.license_requirement or entry.license_policy:
        console.print(f"  license requirement: {entry.license_requirement or '-'}", highlight=False)
        console.print(f"  license review policy: {entry.license_policy or '-'}", highlight=False)
    if entry.federal_register:
        console.print(f"  citations: {'; '.join(c.text for c in entry.federal_register)}", highlight=False)
    if entry.linked_to:
        console.print(f"  linked to: {'; '.join(entry.linked_to)}", highlight=False)
    table = Table(title="History")
    for column in ("date", "event", "description", "citation"):
        table.add_column(column)
    for e in events:
        cite = (e.citation.text if e.citation else "") + ("" if e.verified else " (unverified)")
        table.add_row(e.date.isoformat(), e.event_type.value, e.description, cite)
    console.print(table if events else "  no dated events")
    if events:
        console.print(text_timeline([(e.date, e.event_type.value) for e in events]), highlight=False)


def text_timeline(points: list[tuple[dt.date, str]], width: int = 60) -> str:
    """A one-line chart of events along their date range, for the terminal."""
    start, end = points[0][0], points[-1][0]
    span = max((end - start).days, 1)
    line = ["─"] * (width + 1)
    marks = {"added": "▲", "removed": "▼", "enjoined": "■", "modified": "●"}
    for date, kind in points:
        line[round((date - start).days / span * width)] = marks.get(kind, "•")
    legend = "▲ added  ▼ removed  ■ enjoined  ● modified  • other"
    return f"{start.isoformat()} {''.join(line)} {end.isoformat()}\n{legend}"
