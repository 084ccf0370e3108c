"""CLI: serve the API and web UI; manage API keys."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table
from sqlalchemy import select

from tradescreen.cli.common import console, handle_errors
from tradescreen.errors import NotFoundError
from tradescreen.services.auth import Role, create_key, local_auth_enabled
from tradescreen.store.api_tables import ApiKeyRow
from tradescreen.store.db import get_engine, session_scope

# This module's commands; `tradescreen.cli` mounts it on the root app.
app = typer.Typer()


@app.command()
@handle_errors
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535)] = 8000,
    workers: Annotated[
        int, typer.Option(min=1, max=64, help="Worker processes (each opens the persisted name index)")
    ] = 1,
) -> None:
    """Serve the REST API (/api/v1, docs at /docs) and the web UI (/)."""
    import uvicorn

    from tradescreen.api.app import warm_index

    if local_auth_enabled():
        console.print(
            "[yellow]TRADESCREEN_LOCAL_AUTH is on: requests from this machine without an API key "
            "act as a local admin. Turn it off for anything but local use.[/]"
        )
    else:
        console.print("API keys required (create one with `tradescreen keys create --role screener`).")
    console.print(f"tradescreen on http://{host}:{port}/  (API docs: http://{host}:{port}/docs)")
    # Build and persist the index once here; every worker then opens the file at start-up.
    warm_index(get_engine())
    uvicorn.run(
        "tradescreen.app:serve_app", factory=True, host=host, port=port, workers=workers, log_level="warning"
    )


keys_app = typer.Typer(help="API keys (stored hashed; a key is shown once).", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("create")
@handle_errors
def keys_create(
    role: Annotated[str, typer.Option(help="viewer, screener or admin")],
    name: Annotated[str, typer.Option(help="Who or what the key is for")] = "default",
) -> None:
    """Create a key and print it once."""
    with session_scope(get_engine()) as session:
        key = create_key(session, Role.parse(role), name)
    console.print(key, highlight=False)
    console.print(
        f"[dim]role {role.lower()}, name {name}: store it now, it cannot be shown again[/]",
        highlight=False,
    )


@keys_app.command("list")
@handle_errors
def keys_list() -> None:
    """List keys (prefix, role, name), never the keys themselves."""
    table = Table()
    for column in ("id", "prefix", "role", "name", "created", "revoked"):
        table.add_column(column)
    with session_scope(get_engine()) as session:
        for row in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id)):
            table.add_row(
                str(row.id),
                row.prefix + "…",
                row.role,
                row.name,
                row.created_at.strftime("%Y-%m-%d"),
                "yes" if row.revoked else "",
            )
    console.print(table)


@keys_app.command("revoke")
@handle_errors
def keys_revoke(key_id: Annotated[int, typer.Argument()]) -> None:
    """Revoke a key by id."""
    with session_scope(get_engine()) as session:
        row = session.get(ApiKeyRow, key_id)
        if row is None:
            raise NotFoundError(f"no key {key_id}")
        row.revoked = True
    console.print(f"key {key_id} revoked")
