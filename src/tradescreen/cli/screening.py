"""CLI: screen names against the lists, one or a file; compare two names or a file of pairs."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from tradescreen.batch import ENGINES, SafeDictWriter, screen_csv
from tradescreen.cli.common import EXIT_HITS, cli_actor, console, handle_errors, parse_date
from tradescreen.domain import EntityKind, ListSource, Party
from tradescreen.errors import InputError
from tradescreen.match.screen import DEFAULT_THRESHOLD, compare, screen_parties, screener_for
from tradescreen.review import record_screening
from tradescreen.rules.licensing import ownership_flags
from tradescreen.sources.base import sha256_of
from tradescreen.store import audit
from tradescreen.store.db import get_engine, session_scope


def parse_sources(value: str | None) -> set[ListSource] | None:
    """`EL,SDN` -> {ListSource.EL, ListSource.SDN}; unknown codes are an error."""
    if not value:
        return None
    codes = {c.strip().upper() for c in value.split(",") if c.strip()}
    known = {s.value.upper(): s for s in ListSource}
    unknown = sorted(codes - set(known))
    if unknown:
        raise InputError(
            f"unknown list {unknown[0]!r}; known: {', '.join(s.value for s in ListSource)}", field="--sources"
        )
    return {known[c] for c in codes}


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


def register(app: typer.Typer) -> None:
    """Add screen, screen-file, compare and compare-file."""

    @app.command()
    @handle_errors
    def screen(
        name: Annotated[str, typer.Argument(help="Name to screen")],
        country: Annotated[str | None, typer.Option(help="ISO country code of the party")] = None,
        address: Annotated[str | None, typer.Option(help="Address of the party")] = None,
        type: Annotated[str | None, typer.Option("--type", help="entity or individual")] = None,
        as_of: Annotated[
            str | None, typer.Option("--as-of", help="Screen against the lists of that date")
        ] = None,
        sources: Annotated[str | None, typer.Option(help="Only these lists, e.g. EL,SDN,CMIC")] = None,
        threshold: Annotated[
            float | None, typer.Option(help=f"Minimum score (default {DEFAULT_THRESHOLD})")
        ] = None,
        top: Annotated[int, typer.Option(min=1, max=100, help="At most this many hits")] = 10,
        as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
        fail_on_hit: Annotated[
            bool, typer.Option("--fail-on-hit", help="Exit 1 when there are hits")
        ] = False,
    ) -> None:
        """Screen one name and print ranked hits with explanations."""
        if not name.strip():
            raise InputError("empty name", field="NAME")
        party = Party(
            name=name, country=country.upper() if country else None, address=address, kind=parse_kind(type)
        )
        with session_scope(get_engine()) as session:
            result = screen_parties(
                session,
                [party],
                as_of=parse_date(as_of),
                sources=parse_sources(sources),
                threshold=_threshold(threshold),
                top=top,
            )[0]
            # Every screening is on the record: hits become alerts for review.
            recorded = record_screening(session, result, actor=cli_actor())
            owned = ownership_flags(session, name, parse_date(as_of))
        if as_json:
            console.print_json(
                json.dumps(
                    {
                        "name": name,
                        "as_of": as_of,
                        "list_versions": list(result.version_ids),
                        "screening_id": recorded.screening_id,
                        "alerts": recorded.new_alerts,
                        "ownership": [
                            {
                                "rule": o.rule,
                                "summary": o.summary,
                                "citation": o.citation,
                                "verified": o.verified,
                            }
                            for o in owned
                        ],
                        "hits": [
                            {
                                "entity_id": h.entity_id,
                                "source": h.source.value,
                                "list_name": h.list_name,
                                "matched_name": h.matched_name,
                                "score": h.score,
                                "programs": list(h.programs),
                                "explanation": h.explanation,
                            }
                            for h in result.hits
                        ],
                    }
                )
            )
        elif not result.hits:
            console.print(f"No hits for [bold]{name}[/]" + (f" as of {as_of}" if as_of else "") + ".")
        else:
            table = Table(title=f"Hits for {name}" + (f" as of {as_of}" if as_of else ""), show_lines=True)
            for column in ("#", "score", "list", "entry", "matched name", "why"):
                table.add_column(column)
            for rank, h in enumerate(result.hits, start=1):
                table.add_row(
                    str(rank),
                    f"{h.score:.2f}",
                    h.source.value,
                    f"{h.list_name}\n{h.entity_id}",
                    h.matched_name,
                    h.explanation,
                )
            console.print(table)
        for flag in owned if not as_json else []:
            mark = "" if flag.verified else " (relies on unverified facts)"
            console.print(
                f"[bold yellow]ownership:[/] {flag.summary} [{flag.citation}]{mark}", highlight=False
            )
        if fail_on_hit and (result.hits or any(o.rule != "ownership_noted" for o in owned)):
            raise typer.Exit(EXIT_HITS)

    @app.command("screen-file")
    @handle_errors
    def screen_file(
        in_path: Annotated[
            Path, typer.Argument(help="UTF-8 CSV with columns id,name[,country,address,type]")
        ],
        out: Annotated[Path, typer.Option("--out", help="Output CSV, one row per hit")],
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
    ) -> None:
        """Screen every name of a CSV file; write one row per hit."""
        if not in_path.is_file():
            raise InputError("no such file", file=str(in_path))
        with session_scope(get_engine()) as session:
            screener, _versions = screener_for(session, parse_date(as_of))
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            TextColumn("{task.completed} names"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
        ) as progress:
            task = progress.add_task(f"screening {in_path.name}", total=None)
            summary = screen_csv(
                in_path,
                out,
                screener,
                engine=engine,
                scheduler=scheduler,
                workers=workers,
                threshold=_threshold(threshold),
                top=top,
                on_progress=lambda n: progress.update(task, completed=n),
            )
        with session_scope(get_engine()) as session:
            audit.append(
                session,
                "batch_screening",
                cli_actor(),
                {
                    "input": str(in_path),
                    "input_sha256": sha256_of([in_path]),
                    "output": str(out),
                    "output_sha256": sha256_of([out]),
                    "list_versions": list(_versions),
                    "parties": summary.parties,
                    "hits": summary.hits,
                },
            )
        console.print(
            f"screened {summary.parties} names: {summary.parties_with_hits} with hits, "
            f"{summary.hits} hits written to {out}"
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
