"""CLI: webhook notifications given up on (the dead letter): list them and retry them."""

from __future__ import annotations

import os
from typing import Annotated

import typer
from rich.table import Table

from tradescreen import monitor
from tradescreen.cli.common import console, handle_errors
from tradescreen.store.db import get_engine, session_scope

# This module's commands; `tradescreen.cli` mounts it on the root app.
app = typer.Typer()
hooks_app = typer.Typer(help="Webhook notifications.", no_args_is_help=True)
dead = typer.Typer(help="Notifications given up on after the maximum attempts.", no_args_is_help=True)
hooks_app.add_typer(dead, name="dead-letter")
app.add_typer(hooks_app, name="webhooks")


@dead.command("list")
@handle_errors
def dead_list() -> None:
    """Show the dead letters: id, destination, attempts, last error."""
    with session_scope(get_engine()) as session:
        rows = monitor.dead_letters(session)
        table = Table(title=f"Dead letters ({len(rows)})")
        for column in ("id", "created", "url", "attempts", "last error"):
            table.add_column(column)
        for r in rows:
            table.add_row(str(r.id), f"{r.created_at:%Y-%m-%d %H:%M}", r.url, str(r.attempts), r.last_error)
    console.print(table)


@dead.command("retry")
@handle_errors
def dead_retry(
    ids: Annotated[list[int] | None, typer.Argument(help="Outbox ids (default: every dead letter)")] = None,
) -> None:
    """Put dead letters back in the outbox and try to deliver them now (needs the secret)."""
    secret = os.environ.get(monitor.WEBHOOK_SECRET_SETTING, "")
    with session_scope(get_engine()) as session:
        sent, pending = monitor.retry_dead(session, secret, ids or None)
    console.print(f"retried: {sent} delivered, {pending} still failing")
    if pending:
        raise typer.Exit(1)
