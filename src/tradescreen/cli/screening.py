"""CLI: screen names against the lists, one or a file; compare two names or a file of pairs."""

from __future__ import annotations

import csv
import datetime as dt
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tradescreen.batch import ENGINES, SafeDictWriter
from tradescreen.cli.common import EXIT_HITS, cli_actor, console, err_console, handle_errors, parse_date
from tradescreen.domain import EntityKind, Party
from tradescreen.errors import InputError
from tradescreen.match.screen import DEFAULT_THRESHOLD, compare
from tradescreen.services.models import ListUsed, ScreeningResponse, ScreeningResultOut
from tradescreen.services.rules import screen_scenario
from tradescreen.services.screening import check_party, parse_sources, parse_states, screen_party
from tradescreen.services.screening import screen_file as screen_file_service
from tradescreen.store.db import get_engine, session_scope


def parse_kind(value: str | None) -> EntityKind | None:
    """The --type option."""
    if not value:
        return None
    try:
        return EntityKind(value.lower())
    except ValueError as exc:
        raise InputError(
            f"unknown type {value!r} (entity, individual, vessel, aircraft)", field="--type"
        ) from exc


def _threshold(value: float | None) -> float | None:
    if value is not None and not 0 <= value <= 1:
        raise InputError("must be between 0 and 1", field="--threshold")
    return value


# The screen command's words for the party's fields, so that bad input names the option.
CLI_FIELDS = {"name": "NAME", "dob": "--dob", "nationality": "--nationality", "id_number": "--id-number"}

# This module's commands; `tradescreen.cli` mounts it on the root app.
app = typer.Typer()


def print_lists(lists: list[ListUsed], warnings: list[str], as_of: dt.date) -> None:
    """Say what an answer stands on: the date, the list versions, and stale-list warnings."""
    used = ", ".join(
        f"{item.feed} v{item.version}" + ("" if item.official else " (curated)") for item in lists
    )
    console.print(f"[dim]as of {as_of.isoformat()}; lists: {used}[/]", highlight=False)
    for warning in warnings:
        err_console.print(f"[bold yellow]warning:[/] {warning}", highlight=False)


def _states_text(result: ScreeningResultOut) -> str:
    lines = []
    for m in result.memberships:
        when = ""
        if m.since:
            when += f" since {m.since.isoformat()}"
        if m.until:
            when += f" until {m.until.isoformat()}"
        lines.append(f"{m.list} {m.state.value}{when}")
    return "\n".join(lines)


@app.command()
@handle_errors
def screen(
    name: Annotated[str, typer.Argument(help="Name to screen")],
    country: Annotated[str | None, typer.Option(help="ISO country code of the party")] = None,
    address: Annotated[str | None, typer.Option(help="Address of the party")] = None,
    type: Annotated[str | None, typer.Option("--type", help="entity or individual")] = None,
    dob: Annotated[
        str | None, typer.Option("--dob", help="Date of birth of a person: YYYY-MM-DD, YYYY-MM or YYYY")
    ] = None,
    nationality: Annotated[
        str | None, typer.Option("--nationality", help="ISO country code of a person's nationality")
    ] = None,
    id_number: Annotated[
        str | None, typer.Option("--id-number", help="Passport or national ID number")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Screen against the lists of that date (default today)")
    ] = None,
    sources: Annotated[str | None, typer.Option(help="Only these lists, e.g. EL,SDN,CMIC")] = None,
    threshold: Annotated[
        float | None, typer.Option(help=f"Minimum score (default {DEFAULT_THRESHOLD})")
    ] = None,
    top: Annotated[int, typer.Option(min=1, max=100, help="At most this many results")] = 10,
    include_ended: Annotated[
        bool, typer.Option("--include-ended", help="Also show removed, expired and future listings")
    ] = False,
    state: Annotated[
        list[str] | None,
        typer.Option("--state", help="Only memberships in these states (listed, removed, enjoined, ...)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
    fail_on_hit: Annotated[
        bool, typer.Option("--fail-on-hit", help="Exit 1 when a live listing (or listed owner) is found")
    ] = False,
    scenario: Annotated[
        int | None,
        typer.Option("--scenario", help="ERC case: as if its decision were published (not official)"),
    ] = None,
) -> None:
    """Screen one name: one result per real-world entity, each list it is on and its state."""
    party = check_party(
        Party(
            name=name,
            country=country.upper() if country else None,
            address=address,
            kind=parse_kind(type),
            dob=dob,
            nationality=nationality,
            id_number=id_number,
        ),
        fields=CLI_FIELDS,
    )
    with session_scope(get_engine()) as session:
        options = dict(
            as_of=parse_date(as_of),
            sources=parse_sources(sources, "--sources"),
            states=parse_states(state, "--state"),
            threshold=_threshold(threshold),
            top=top,
            include_ended=include_ended,
            actor=cli_actor(),
        )
        if scenario is None:
            response = screen_party(session, party, **options)
        else:  # labelled SCENARIO and never recorded (services/rules.py)
            response = screen_scenario(session, party, scenario, **options)
    if as_json:
        console.print_json(response.model_dump_json())
    else:
        if response.scenario:
            console.print(response.scenario, style="bold yellow", highlight=False, markup=False)
        print_response(response)
        if response.scenario:
            console.print(response.scenario, style="bold yellow", highlight=False, markup=False)
    if fail_on_hit and (response.hit or any(o.rule != "ownership_noted" for o in response.ownership)):
        raise typer.Exit(EXIT_HITS)


def print_response(response: ScreeningResponse) -> None:
    """The terminal form of a screening answer."""
    name, day = response.query.name, response.as_of.isoformat()
    print_lists(response.lists, response.warnings, response.as_of)
    if not response.results:
        console.print(f"No hits for [bold]{escape(name)}[/] as of {day} on the lists above.")
    else:
        table = Table(title=f"Results for {escape(name)} as of {day}", show_lines=True)
        for column in ("#", "score", "entity", "lists and state", "why"):
            table.add_column(column)
        for rank, r in enumerate(response.results, start=1):
            why = f"matched {r.matched_name!r}: {r.explanation}"
            if r.merged_because:
                why += "\nmerged: " + "; ".join(r.merged_because)
            table.add_row(
                str(rank) + ("" if r.hit else " (ended)"),
                f"{r.score:.2f}",
                f"{r.entity.name}\n{r.entity.id}",
                _states_text(r),
                why,
            )
        console.print(table)
        if not response.hit:
            console.print(f"No live listing for [bold]{escape(name)}[/] as of {day}.")
    for flag in response.ownership:
        mark = "" if flag.verified else " (relies on unverified facts)"
        console.print(f"[bold yellow]ownership:[/] {flag.summary} [{flag.citation}]{mark}", highlight=False)


@app.command("screen-file")
@handle_errors
def screen_file(
    in_path: Annotated[
        Path,
        typer.Argument(
            help="UTF-8 CSV with columns id,name[,country,address,type,dob,nationality,id_number]"
        ),
    ],
    out: Annotated[Path, typer.Option("--out", help="Output CSV, one row per result")],
    threshold: Annotated[
        float | None, typer.Option(help=f"Minimum score (default {DEFAULT_THRESHOLD})")
    ] = None,
    top: Annotated[int, typer.Option(min=1, max=100)] = 10,
    engine: Annotated[str, typer.Option(help=f"One of: {', '.join(ENGINES)}")] = "local",
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (default: a local cluster)")
    ] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes for processes/dask")] = 2,
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    include_ended: Annotated[
        bool, typer.Option("--include-ended", help="Also write removed, expired and future listings")
    ] = False,
) -> None:
    """Screen every name of a CSV file (each recorded and alerted like `screen`); write one
    row per result."""
    with (
        session_scope(get_engine()) as session,
        Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed} names"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress,
    ):
        task = progress.add_task(f"screening {in_path.name}", total=None)
        summary = screen_file_service(
            session,
            in_path,
            out,
            engine=engine,
            scheduler=scheduler,
            workers=workers,
            threshold=_threshold(threshold),
            top=top,
            as_of=parse_date(as_of),
            include_ended=include_ended,
            actor=cli_actor(),
            on_progress=lambda n: progress.update(task, completed=n),
        )
    print_lists(summary.lists, summary.warnings, summary.as_of)
    console.print(
        f"screened {summary.parties} names: {summary.parties_with_hits} with hits, "
        f"{summary.rows} rows written to {out}; {summary.alerts} alerts for review"
    )


@app.command("compare")
@handle_errors
def compare_command(
    name1: Annotated[str, typer.Argument()],
    name2: Annotated[str, typer.Argument()],
    type: Annotated[str | None, typer.Option("--type", help="entity or individual")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Score two names against each other and explain the score."""
    result = compare(name1, name2, parse_kind(type))
    if as_json:
        console.print_json(
            json.dumps(
                {
                    "name1": name1,
                    "name2": name2,
                    "score": result.score,
                    "explanation": result.explanation,
                    "features": result.features,
                }
            )
        )
        return
    console.print(f"score [bold]{result.score:.4f}[/]  ({result.explanation})", highlight=False)


@app.command("compare-file")
@handle_errors
def compare_file(
    pairs: Annotated[Path, typer.Argument(help="CSV with columns name1,name2[,type]")],
    out: Annotated[Path, typer.Option("--out")],
) -> None:
    """Score every pair of a CSV file, one output row per input row, in order."""
    try:
        text = pairs.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        line = pairs.read_bytes()[: exc.start].count(b"\n") + 1
        raise InputError("not valid UTF-8", file=str(pairs), line=line) from exc
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", file=str(pairs)) from exc
    reader = csv.DictReader(text.splitlines())
    for column in ("name1", "name2"):
        if column not in (reader.fieldnames or []):
            raise InputError(f"missing column {column!r}", file=str(pairs), line=1, field=column)
    rows = []
    for line, row in enumerate(reader, start=2):
        try:
            kind = parse_kind(row.get("type"))
        except InputError as exc:
            raise InputError(exc.problem, file=str(pairs), line=line, field="type") from exc
        result = compare(row["name1"] or "", row["name2"] or "", kind)
        rows.append(
            {
                "name1": row["name1"],
                "name2": row["name2"],
                "type": row.get("type") or "",
                "score": f"{result.score:.4f}",
                "explanation": result.explanation,
            }
        )
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = SafeDictWriter(handle, fieldnames=("name1", "name2", "type", "score", "explanation"))
        writer.writeheader()
        writer.writerows(rows)
    console.print(f"scored {len(rows)} pairs into {out}")
