"""The `tradescreen` command. Each capability registers its commands from its own module."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(
    name="tradescreen",
    help="Export-control and sanctions screening: lists, history, matching, rules.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)

# One module per capability; each defines `register(app)`.
COMMAND_MODULES = ("lists", "history", "screening", "rules", "erc", "review", "server", "webhooks")

for _name in COMMAND_MODULES:
    importlib.import_module(f"tradescreen.cli.{_name}").register(app)


def main() -> None:
    """Console-script entry point."""
    app()
