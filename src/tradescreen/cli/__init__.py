"""The `tradescreen` command. Each capability defines its commands, as top-level functions on
its own Typer app(s), in its own module; this module mounts them on the root app."""

from __future__ import annotations

import typer

from tradescreen.cli import erc, history, lists, review, rules, screening, server

app = typer.Typer(
    name="tradescreen",
    help="Export-control and sanctions screening: lists, history, matching, rules.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# One module per capability; a module's `app` holds its commands and its sub-groups.
for _module in (lists, history, screening, rules, erc, review, server):
    app.add_typer(_module.app)


def main() -> None:
    """Console-script entry point."""
    app()
