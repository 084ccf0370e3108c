"""CLI: the End-User Review Committee workflow (`tradescreen erc ...`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from tradescreen import erc
from tradescreen.cli.common import console, handle_errors, parse_date
from tradescreen.errors import InputError
from tradescreen.services.rules import publish_decision
from tradescreen.store.db import get_engine, session_scope
from tradescreen.store.erc_tables import ErcCaseRow

At = Annotated[str | None, typer.Option("--at", help="Date of the step (default today), YYYY-MM-DD")]


AgencyOpt = Annotated[str | None, typer.Option("--agency", help="The agency acting (e.g. Commerce)")]
# `--by` was the spelling of `propose` and `escalate`; still accepted, no longer shown.
ByAlias = Annotated[str | None, typer.Option("--by", hidden=True)]


def _on(value: str | None) -> dt.date:
    return parse_date(value, "--at") or dt.date.today()


def _agency(agency: str | None, by: str | None) -> str:
    """The one agency option of every `erc` subcommand (`--agency`, or the old `--by`)."""
    if agency and by and agency != by:
        raise InputError("give the agency once (--agency)", field="--agency")
    value = agency or by
    if not value:
        raise InputError("missing agency", field="--agency")
    return value


# This module's commands; `tradescreen.cli` mounts it on the root app.
app = typer.Typer()

erc_app = typer.Typer(
    help="End-User Review Committee: propose, vote, decide, escalate.", no_args_is_help=True
)
app.add_typer(erc_app, name="erc")


@erc_app.command()
@handle_errors
def propose(
    party: Annotated[str, typer.Option(help="Party name")],
    country: Annotated[str, typer.Option(help="ISO country code")],
    agency: AgencyOpt = None,
    action: Annotated[str, typer.Option(help="add, modify or remove")] = "add",
    alias: Annotated[list[str] | None, typer.Option(help="Alias (repeatable)")] = None,
    address: Annotated[list[str] | None, typer.Option(help="Address (repeatable)")] = None,
    license_requirement: Annotated[str, typer.Option()] = "",
    review_policy: Annotated[str, typer.Option()] = "",
    reason: Annotated[str, typer.Option(help="Reasons and evidence")] = "",
    treasury: Annotated[bool, typer.Option(help="Treasury sits on this case")] = False,
    at: At = None,
    by: ByAlias = None,
) -> None:
    """Open a case (--agency: the proposing agency)."""
    with session_scope(get_engine()) as session:
        case = erc.propose(
            session,
            action=action,
            party=party,
            country=country,
            by=_agency(agency, by),
            on=_on(at),
            aliases=alias or [],
            addresses=address or [],
            license_requirement=license_requirement,
            review_policy=review_policy,
            reasons=reason,
            treasury=treasury,
        )
        console.print(f"case {case.id} opened: {action} {case.party} (proposed by {case.proposed_by})")


@erc_app.command()
@handle_errors
def vote(
    case: Annotated[int, typer.Argument()],
    yes: Annotated[bool, typer.Option("--yes/--no", help="For or against")],
    agency: AgencyOpt = None,
    rationale: Annotated[str, typer.Option()] = "",
    at: At = None,
) -> None:
    """Record an agency's vote at the case's current level."""
    agency = _agency(agency, None)
    with session_scope(get_engine()) as session:
        erc.vote(session, case, agency=agency, yes=yes, rationale=rationale, on=_on(at))
    console.print(f"case {case}: {agency} voted {'for' if yes else 'against'}")


@erc_app.command()
@handle_errors
def decide(case: Annotated[int, typer.Argument()], at: At = None) -> None:
    """Tally the votes at the current level by its rule."""
    with session_scope(get_engine()) as session:
        outcome = erc.decide(session, case, on=_on(at))
        level = erc.get_case(session, case).level
    console.print(f"case {case} at the {level}: {outcome}")


@erc_app.command()
@handle_errors
def escalate(
    case: Annotated[int, typer.Argument()],
    agency: AgencyOpt = None,
    reason: Annotated[str, typer.Option()] = "",
    at: At = None,
    by: ByAlias = None,
) -> None:
    """Take a deadlocked or appealed case to the next level (--agency: the escalating agency)."""
    with session_scope(get_engine()) as session:
        level = erc.escalate(session, case, by=_agency(agency, by), reason=reason, on=_on(at))
    console.print(f"case {case} escalated to the {erc.LEVEL_NAMES[level]}")


@erc_app.command("president-decide")
@handle_errors
def president_decide(
    case: Annotated[int, typer.Argument()],
    approve: Annotated[bool, typer.Option("--approve/--deny")],
    rationale: Annotated[str, typer.Option()] = "",
    effective: Annotated[str | None, typer.Option(help="Effective date of a listing")] = None,
    at: At = None,
) -> None:
    """The President's final decision."""
    with session_scope(get_engine()) as session:
        outcome = erc.president_decide(
            session,
            case,
            approve=approve,
            rationale=rationale,
            on=_on(at),
            effective=parse_date(effective, "--effective"),
        )
    console.print(f"case {case}: {outcome} by the President (final)")


@erc_app.command()
@handle_errors
def finalize(
    case: Annotated[int, typer.Argument()],
    effective: Annotated[str | None, typer.Option(help="Effective date of a listing")] = None,
    at: At = None,
) -> None:
    """Close a decided case after its appeal window, applying an approval to the lists."""
    with session_scope(get_engine()) as session:
        outcome = erc.finalize(session, case, on=_on(at), effective=parse_date(effective, "--effective"))
    console.print(f"case {case}: final, {outcome}")


@erc_app.command()
@handle_errors
def show(case: Annotated[int, typer.Argument()]) -> None:
    """A case and its history."""
    with session_scope(get_engine()) as session:
        row = erc.get_case(session, case)
        steps = erc.history(session, case)
        console.print(
            f"[bold]case {row.id}[/]: {row.action} {row.party} ({row.country}) — {row.level}, "
            f"{row.status}{', ' + row.outcome if row.outcome else ''}",
            highlight=False,
        )
    table = Table(title="History")
    for column in ("date", "level", "step", "who", "what", "why"):
        table.add_column(column)
    for s in steps:
        table.add_row(s.on.isoformat(), s.level, s.kind, s.actor, s.what, s.why)
    console.print(table)


@erc_app.command("list")
@handle_errors
def list_cases() -> None:
    """All cases."""
    table = Table()
    for column in ("id", "action", "party", "level", "status", "outcome"):
        table.add_column(column)
    with session_scope(get_engine()) as session:
        for row in session.scalars(select(ErcCaseRow).order_by(ErcCaseRow.id)):
            table.add_row(str(row.id), row.action, row.party, row.level, row.status, row.outcome or "")
    console.print(table)


@erc_app.command()
@handle_errors
def notice(
    case: Annotated[int, typer.Argument()],
    html: Annotated[bool, typer.Option("--html", help="HTML instead of text")] = False,
) -> None:
    """Draft Federal Register notice of the entry."""
    with session_scope(get_engine()) as session:
        row = erc.get_case(session, case)
        text = erc.notice_html(row) if html else erc.notice_text(row)
    console.print(text, highlight=False, markup=False)


@erc_app.command()
@handle_errors
def publish(
    case: Annotated[int, typer.Argument()],
    fr_cite: Annotated[str, typer.Option("--fr-cite", help="Federal Register citation, e.g. 86 FR 12345")],
    effective: Annotated[str, typer.Option("--effective", help="Effective date of the rule, YYYY-MM-DD")],
    at: At = None,
) -> None:
    """Record the Federal Register publication of a final approval: only from then on does the
    decision reach the official answers (determine, screen, status)."""
    day = parse_date(effective, "--effective")
    if day is None:
        raise InputError("missing effective date", field="--effective")
    with session_scope(get_engine()) as session:
        cite = publish_decision(session, case, fr_cite=fr_cite, effective=day, on=parse_date(at, "--at"))
    console.print(f"case {case}: published as {cite}, effective {day.isoformat()}", highlight=False)
