"""CLI: license determination, de minimis, Entity List FDP, investment bans, ownership."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from tradescreen.cli.common import console, handle_errors, parse_date
from tradescreen.cli.screening import print_lists
from tradescreen.domain import ListSource, Party, Verdict
from tradescreen.errors import InputError
from tradescreen.ownership import (
    assess,
    import_csv,
    links,
    listed_owner_names,
    owners_graph,
    ownership_paths,
    relationships_on,
)
from tradescreen.rules.de_minimis import de_minimis
from tradescreen.rules.direct_product import entity_list_fdp
from tradescreen.rules.licensing import ROLES, TransactionParty
from tradescreen.rules.parties import PartyResolver
from tradescreen.services.rules import determine_transaction, securities
from tradescreen.store.db import get_engine, session_scope

VERDICT_STYLE = {
    Verdict.PROHIBITED: "[bold red]PROHIBITED[/]",
    Verdict.LICENSE_REQUIRED: "[bold red]LICENSE REQUIRED[/]",
    Verdict.NO_LICENSE_REQUIRED: "[green]NO LIST-BASED LICENSE REQUIREMENT[/]",
}


def to_json(value: Any) -> Any:
    """Dataclasses, enums and dates as plain JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_json(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [to_json(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    return value


def parse_party(text: str) -> TransactionParty:
    """`end_user=Huawei Technologies` or a bare name (role "party")."""
    role, sep, name = text.partition("=")
    if not sep:
        return TransactionParty(text.strip())
    role = role.strip().lower().replace("-", "_").replace(" ", "_")
    if role not in ROLES:
        raise InputError(f"unknown role {role!r} (one of {', '.join(ROLES)})", field="--party")
    return TransactionParty(name.strip(), role)


def _print_json(data: Any) -> None:
    console.print_json(json.dumps(to_json(data)))


# This module's commands; `tradescreen.cli` mounts it on the root app.
app = typer.Typer()


@app.command("determine")
@handle_errors
def determine_cmd(
    party: Annotated[
        list[str],
        typer.Option("--party", "-p", help="ROLE=NAME (roles: buyer, consignee, end_user, ...)"),
    ],
    eccn: Annotated[str, typer.Option("--eccn", help="ECCN, e.g. 5A992.c, 3A090 or EAR99")],
    destination: Annotated[
        str, typer.Option("--country", "--destination", "-d", help="Destination, ISO-2 country, e.g. CN")
    ],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    scenario: Annotated[
        int | None,
        typer.Option("--scenario", help="ERC case: answer as if its decision were published (not official)"),
    ] = None,
) -> None:
    """License determination for a transaction: verdict, the rules that fired, next steps."""
    parties = [parse_party(p) for p in party]
    date = parse_date(as_of, "--as-of")
    with session_scope(get_engine()) as session:
        answer = determine_transaction(session, parties, eccn, destination, date, scenario=scenario)
    result, used, warnings = answer.result, answer.basis.lists, answer.basis.warnings
    if as_json:
        _print_json(
            {**to_json(result), "lists": [u.model_dump(mode="json") for u in used], "warnings": warnings}
        )
        return
    if result.scenario:
        console.print(f"[bold yellow]{result.scenario}[/]", highlight=False, markup=False)
    print_lists(used, warnings, result.as_of)
    unverified = " [bold yellow](UNVERIFIED: rests on facts not checked against the primary text)[/]"
    console.print(
        f"{VERDICT_STYLE[result.verdict]}{unverified if result.verdict_unverified else ''}  "
        f"item {result.eccn} to {result.destination} on {result.as_of.isoformat()}",
        highlight=False,
    )
    for reason in result.unverified_reasons:
        console.print(f"  unverified: {reason}", highlight=False, markup=False)
    for p in result.parties:
        console.print(f"  {p}", highlight=False)
    if result.rules:
        table = Table(show_lines=True)
        for column in ("rule", "party", "what it means", "review policy", "citation"):
            table.add_column(column)
        for r in result.rules:
            table.add_row(
                r.rule + ("" if r.verified else "\n(unverified)"),
                r.party or "",
                r.summary,
                r.review_policy or "",
                r.citation,
            )
        console.print(table)
    console.print("[bold]Next steps[/]")
    for step in result.next_steps:
        console.print(f"  - {step}", highlight=False, markup=False)
    if result.red_flags:
        console.print("[bold]Red flags to check[/] (Supplement No. 3 to Part 732)")
        for flag in result.red_flags:
            console.print(f"  [ ] {flag}", highlight=False, markup=False)
    if result.scenario:
        console.print(f"[bold yellow]{result.scenario}[/]", highlight=False, markup=False)


@app.command("de-minimis")
@handle_errors
def de_minimis_cmd(
    us_content: Annotated[float, typer.Option("--us-content", help="Value of controlled US-origin content")],
    price: Annotated[float, typer.Option("--price", help="Price of the foreign-made item")],
    destination: Annotated[
        str, typer.Option("--country", "--destination", "-d", help="Destination, ISO-2 country")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """De minimis calculation (§734.4): 25%, or 10% for Country Group E:1/E:2."""
    result = de_minimis(us_content, price, destination)
    if as_json:
        _print_json(result)
        return
    verdict = "[bold red]SUBJECT TO THE EAR[/]" if result.subject_to_ear else "[green]NOT SUBJECT[/]"
    console.print(f"{verdict}\n{result.arithmetic}\n{result.citation}", highlight=False)


@app.command("fdp")
@handle_errors
def fdp_cmd(
    direct_product: Annotated[
        bool,
        typer.Option(
            "--direct-product/--not-direct-product",
            help="Item is a direct product of specified US software/technology",
        ),
    ],
    footnote1_party: Annotated[
        bool,
        typer.Option(
            "--footnote1-party/--no-footnote1-party",
            help="A footnote 1 Entity List entity is a party to the transaction",
        ),
    ],
    plant: Annotated[
        bool, typer.Option("--plant", help="Produced by a plant that is itself such a direct product")
    ] = False,
    incorporated: Annotated[
        bool,
        typer.Option("--incorporated", help="Will be incorporated into an item of a footnote 1 entity"),
    ] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Entity List foreign direct product rule (footnote 1, §734.9(e)(1)): questions and conclusion."""
    result = entity_list_fdp(
        parse_date(as_of) or dt.date.today(),
        direct_product_of_specified_technology=direct_product,
        produced_by_plant_that_is_direct_product=plant,
        footnote1_entity_party_to_transaction=footnote1_party,
        incorporated_into_item_of_footnote1_entity=incorporated,
    )
    if as_json:
        _print_json(result)
        return
    for step in result.steps:
        answer = {True: "yes", False: "no", None: "-"}[step.answer]
        console.print(f"  Q: {step.question}\n     -> {answer}", highlight=False)
    style = "[bold red]" if result.subject_to_ear else "[green]"
    console.print(f"{style}{result.conclusion}[/]\n{result.citation}", highlight=False)
    if not result.verified:
        console.print("[italic](the May 2020 version's scope is marked unverified)[/]")


@app.command("securities")
@handle_errors
def securities_cmd(
    issuer: Annotated[str | None, typer.Argument(help="Issuer name")] = None,
    ticker: Annotated[str | None, typer.Option("--ticker")] = None,
    isin: Annotated[str | None, typer.Option("--isin")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Investment ban check (NS-CMIC / EO 13959): may US persons buy this issuer's securities?"""
    date = parse_date(as_of, "--as-of") or dt.date.today()
    with session_scope(get_engine()) as session:
        answer = securities(session, issuer=issuer, ticker=ticker, isin=isin, as_of=date)
    findings, used, warnings = answer.findings, answer.basis.lists, answer.basis.warnings
    if as_json:
        payload = {"as_of": date, "findings": findings, "warnings": warnings}
        _print_json({**payload, "lists": [u.model_dump(mode="json") for u in used]})
        return
    print_lists(used, warnings, date)
    if not findings:
        console.print(f"No securities-list entry found on {date}: no investment ban on record.")
        return
    for f in findings:
        ban = "[bold red]PURCHASE PROHIBITED[/]" if f.purchase_prohibited else "[green]purchase allowed[/]"
        console.print(
            f"{ban}  {f.issuer} ({f.entity_id}, {f.list.label})\n  {f.explanation}\n  {f.citation}",
            highlight=False,
        )


ownership_app = typer.Typer(help="Ownership graph: import edges, show listed owners of a party.")
app.add_typer(ownership_app, name="ownership")


@ownership_app.command("import")
@handle_errors
def ownership_import(
    file: Annotated[Path, typer.Argument(help="CSV: owner,owned,share[,valid_from,valid_to,source]")],
) -> None:
    """Import ownership edges from a CSV file (all rows or none)."""
    with session_scope(get_engine()) as session:
        count = import_csv(session, file)
    console.print(f"imported {count} ownership edges from {file}", highlight=False)


@ownership_app.command("show")
@handle_errors
def ownership_show(
    name: Annotated[str, typer.Argument(help="Party name")],
    as_of: Annotated[str | None, typer.Option("--as-of", help="Date YYYY-MM-DD (default today)")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Owner chains above a party on a date, and whether listed owners reach 50%."""
    if not name.strip():
        raise InputError("empty name", field="NAME")
    date = parse_date(as_of) or dt.date.today()
    with session_scope(get_engine()) as session:
        edges = relationships_on(session, date)
        paths = ownership_paths(owners_graph(edges), name)
        linked = links(edges, name)
        resolver = PartyResolver(session) if paths else None
        listed: dict[str, set[ListSource]] = {}
        for owner in listed_owner_names(paths):
            assert resolver is not None
            listed[owner] = {
                pl.status.source for pl in resolver.listings(Party(owner), date) if pl.status.restricted
            }
        findings = assess(session, name, date, listed)
    if as_json:
        _print_json({"party": name, "as_of": date, "paths": paths, "findings": findings, "links": linked})
        return
    for edge in linked:
        console.print(
            f"  {edge.subject} —{edge.type.value}→ {edge.object}  (no share; {edge.source or 'store'})",
            highlight=False,
        )
    if not paths:
        console.print(f"No owners with shares on record for {name} on {date}.", highlight=False)
        return
    for p in paths:
        lists = ", ".join(sorted(s.label for s in listed.get(p.owners[0], set()))) or "not listed"
        console.print(f"  {' → '.join(p.owners)}  {p.share:.1f}%  [{lists}]", highlight=False)
    for f in findings:
        style = "[bold red]" if f.applies else "[yellow]"
        console.print(f"{style}{f.rule}: {f.note}[/]", highlight=False)
