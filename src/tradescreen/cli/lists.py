"""CLI: set up the store and manage list versions (init, load, lists, diff, update)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table

from tradescreen.cli.common import cli_actor, console, handle_errors
from tradescreen.config import CURATED_DIR, load_settings
from tradescreen.errors import InputError
from tradescreen.sources.detect import FORMATS, open_list_file
from tradescreen.store.db import get_engine, session_scope
from tradescreen.store.diff import diff_versions, last_two_versions
from tradescreen.store.load import count_entries, write_parsed
from tradescreen.store.versions import LoadResult, list_versions


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
    )


def load_with_progress(
    path: Path, fmt: str | None = None, origin: str | None = None, allow_shrink: bool = False
) -> LoadResult:
    """Parse and store one file, showing a progress bar; atomic. `origin` (a URL or mirror
    path) is what `lists` shows instead of a temporary download path."""
    parsed = open_list_file(path, fmt)
    if origin:
        parsed.file_name = origin
    for warning in parsed.warnings:
        console.print(f"[yellow]warning:[/] {warning}", highlight=False)
    total = count_entries(parsed)
    with _progress() as progress, session_scope(get_engine()) as session:
        task = progress.add_task(f"loading {path.name}", total=total)
        result = write_parsed(
            session,
            parsed,
            on_progress=lambda n: progress.update(task, completed=n),
            allow_shrink=allow_shrink,
            actor=cli_actor(),
        )
    return result


ALLOW_SHRINK_HELP = "Accept a version with under half the entries of the active one (audited)"


def _report(result: LoadResult) -> None:
    v = result.version
    if result.created:
        console.print(
            f"[green]loaded[/] version {v.id} of [bold]{v.feed}[/]: {v.row_count} entries "
            f"(sha256 {v.sha256[:12]}…) from {v.file_name}"
        )
    else:
        console.print(
            f"already loaded as version {v.id} of [bold]{v.feed}[/] (sha256 {v.sha256[:12]}…); "
            f"{'now active' if v.active else 'no change'}"
        )


# This module's commands; `tradescreen.cli` mounts it on the root app.
app = typer.Typer()


@app.command()
@handle_errors
def init() -> None:
    """Create or migrate the database and load the curated data shipped with tradescreen."""
    get_engine()
    _report(load_with_progress(CURATED_DIR, "curated"))
    _warm_index()


@app.command()
@handle_errors
def load(
    path: Annotated[Path, typer.Argument(help="List file (OFAC sdn.csv/cons_prim.csv, CSL, dpl.txt, ...)")],
    format: Annotated[str | None, typer.Option("--format", help=f"One of: {', '.join(FORMATS)}")] = None,
    allow_shrink: Annotated[bool, typer.Option("--allow-shrink", help=ALLOW_SHRINK_HELP)] = False,
) -> None:
    """Import a list file as a new version (atomic; a broken file changes nothing)."""
    _report(load_with_progress(path, format, allow_shrink=allow_shrink))
    _warm_index()


@app.command("lists")
@handle_errors
def lists_command(
    feed: Annotated[str | None, typer.Option(help="Only this feed")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Show the loaded list versions."""
    with session_scope(get_engine()) as session:
        versions = list_versions(session, feed)
    if as_json:
        console.print_json(
            json.dumps(
                [
                    {
                        "id": v.id,
                        "feed": v.feed,
                        "file": v.file_name,
                        "sha256": v.sha256,
                        "rows": v.row_count,
                        "loaded_at": v.loaded_at.isoformat(),
                        "active": v.active,
                    }
                    for v in versions
                ]
            )
        )
        return
    table = Table(title="List versions")
    for column in ("id", "feed", "file", "sha256", "rows", "loaded at", "active"):
        table.add_column(column)
    for v in versions:
        table.add_row(
            str(v.id),
            v.feed,
            v.file_name,
            v.sha256[:12],
            str(v.row_count),
            v.loaded_at.strftime("%Y-%m-%d %H:%M"),
            "✓" if v.active else "",
        )
    console.print(table)


@app.command()
@handle_errors
def diff(
    old: Annotated[str, typer.Argument(help="Older version id, or a feed name: its two newest versions")],
    new: Annotated[int | None, typer.Argument(help="Newer version id (omit with a feed name)")] = None,
    limit: Annotated[
        int | None, typer.Option(min=0, help="List at most this many entries per section")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON output")] = False,
) -> None:
    """Show entries added, removed and changed between two versions of a feed.

    `diff 3 7` compares versions 3 and 7 (ids from `lists`); `diff ofac_sdn` compares the
    two newest versions of the feed.
    """
    with session_scope(get_engine()) as session:
        if old.isdigit():
            if new is None:
                raise InputError("give the newer version id too, or a feed name alone", field="new")
            old_id, new_id = int(old), new
        else:
            if new is not None:
                raise InputError(f"{old!r} is a feed name: give no second argument", field="new")
            old_id, new_id = last_two_versions(session, old)
        result = diff_versions(session, old_id, new_id)
    shown = slice(None, limit)
    if as_json:
        payload: dict[str, Any] = {
            "feed": result.feed,
            "from": old_id,
            "to": new_id,
            "added": [vars_of(e) for e in result.added],
            "removed": [vars_of(e) for e in result.removed],
            "unknown_fields": result.unknown_fields,
            "changed": [
                {
                    "entry": vars_of(c.entry),
                    "changes": [{"field": f.field, "old": f.old, "new": f.new} for f in c.changes],
                }
                for c in result.changed
            ],
        }
        console.print_json(json.dumps(payload, default=str))
        return
    console.print(
        f"[bold]{result.feed}[/]: version {old_id} → {new_id}: "
        f"[green]+{len(result.added)}[/] [red]-{len(result.removed)}[/] "
        f"[yellow]~{len(result.changed)}[/]"
    )
    for name, files in result.unknown_fields.items():
        console.print(
            f"  [magenta]?[/] {name}: unknown, not compared (loaded without {', '.join(files)})",
            highlight=False,
        )
    for e in result.added[shown]:
        console.print(f"  [green]+[/] {e.name} ({e.source}, {e.entity_id})", highlight=False)
    for e in result.removed[shown]:
        console.print(f"  [red]-[/] {e.name} ({e.source}, {e.entity_id})", highlight=False)
    for c in result.changed[shown]:
        fields = ", ".join(f.field for f in c.changes)
        console.print(f"  [yellow]~[/] {c.entry.name} ({c.entry.entity_id}): {fields}", highlight=False)


@app.command()
@handle_errors
def update(
    mirror: Annotated[str | None, typer.Option(help="Directory or URL laid out like shared/data")] = None,
    feeds: Annotated[str | None, typer.Option(help="Comma-separated feeds (default: all)")] = None,
    retries: Annotated[int, typer.Option(min=1, max=10)] = 3,
    timeout: Annotated[float, typer.Option(help="Seconds per request")] = 30.0,
    allow_shrink: Annotated[bool, typer.Option("--allow-shrink", help=ALLOW_SHRINK_HELP)] = False,
) -> None:
    """Download every feed of the manifest (or read a mirror) and load each as a new version."""
    from tradescreen.store.update import update_feeds

    with _progress() as progress:
        report = update_feeds(
            get_engine(),
            feeds=[f.strip() for f in feeds.split(",")] if feeds else None,
            mirror=mirror,
            retries=retries,
            timeout=timeout,
            progress=_UpdateBar(progress),
            allow_shrink=allow_shrink,
            actor=cli_actor(),
        )
    failed = len(report.failed)
    _warm_index()
    _monitor_book()
    if failed:
        names = ", ".join(o.feed for o in report.failed)
        console.print(f"[red]update failed for: {names}[/]", highlight=False)
        raise typer.Exit(2)


class _UpdateBar:
    """Shows `update_feeds` progress as one Rich bar per feed and reports each outcome."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.tasks: dict[str, Any] = {}

    def started(self, feed: str, total: int | None) -> None:
        self.tasks[feed] = self.progress.add_task(f"loading {feed}", total=total)

    def advanced(self, feed: str, done: int) -> None:
        self.progress.update(self.tasks[feed], completed=done)

    def finished(self, outcome: Any) -> None:
        if outcome.feed in self.tasks:
            self.progress.remove_task(self.tasks.pop(outcome.feed))
        for warning in outcome.warnings:
            console.print(f"[yellow]warning:[/] {outcome.feed}: {warning}", highlight=False)
        if outcome.result is not None:
            _report(outcome.result)
        else:
            message = f"[red]{outcome.feed}: {outcome.error}[/] (active version unchanged)"
            console.print(message, highlight=False)


def _warm_index() -> None:
    """Build (or open) the persisted name index now, so the first `screen` does not."""
    from tradescreen.services.screeners import warm_index

    with session_scope(get_engine()) as session:
        warm_index(session)


def _monitor_book() -> None:
    """After an update, re-screen the customer book against what changed (if there is one)."""

    from sqlalchemy import func, select

    from tradescreen import monitor
    from tradescreen.store.review_tables import CustomerRow

    with session_scope(get_engine()) as session:
        if not session.scalar(select(func.count()).select_from(CustomerRow)):
            return
        url = load_settings().webhook_url or None
        result = monitor.run(session, actor="update", webhook_url=url)
        if url:
            monitor.deliver(session, load_settings().webhook_secret)
    console.print(
        f"monitoring: book re-screened against {sum(c for _o, _n, c in result.feeds.values())} "
        f"changed entries, {len(result.new_alerts)} new alerts"
    )


def vars_of(obj: Any) -> dict[str, Any]:
    """A slotted dataclass as a dict."""
    return {name: getattr(obj, name) for name in obj.__slots__}
