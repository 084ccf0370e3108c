"""The `tradescreen` command. Each capability defines its commands, as top-level functions on
its own Typer app(s), in its own module; this module mounts them on the root app.

Start-up imports only the module of the command being run: importing every command
module (database, sources, rules, web server) costs seconds, and `tradescreen screen NAME`
should answer in under one. `from tradescreen.cli import app` still gives the full app.
"""

from __future__ import annotations

import importlib
import sys

import typer

# One module per capability; a module's `app` holds its commands and its sub-groups.
COMMAND_MODULES = ("lists", "history", "screening", "rules", "erc", "review", "server", "webhooks")

# Which module defines a command or group. Only a hint for speed: a command missing here
# (or moved) still works, after every module is imported.
COMMAND_HOMES = {
    **dict.fromkeys(("init", "load", "lists", "diff", "update"), "lists"),
    **dict.fromkeys(("status", "entity"), "history"),
    **dict.fromkeys(("screen", "screen-file", "compare", "compare-file"), "screening"),
    **dict.fromkeys(("determine", "de-minimis", "fdp", "securities", "ownership"), "rules"),
    "erc": "erc",
    **dict.fromkeys(("book", "monitor", "review", "audit", "certificate"), "review"),
    **dict.fromkeys(("serve", "keys"), "server"),
    "webhooks": "webhooks",
}


def _new_app() -> typer.Typer:
    return typer.Typer(
        name="tradescreen",
        help="Export-control and sanctions screening: lists, history, matching, rules.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )


def command_names(app: typer.Typer) -> set[str]:
    """The names of the commands and groups on `app`, those of unnamed mounted apps included."""
    names = {
        c.name or (c.callback.__name__.replace("_", "-") if c.callback else "")
        for c in app.registered_commands
    }
    for group in app.registered_groups:
        instance = group.typer_instance
        name = group.name or (instance.info.name if instance else None)
        if name:
            names.add(name)
        elif instance is not None:  # a module's app mounted without a name: its commands
            names |= command_names(instance)
    names.discard("")
    return names


def _mount(app: typer.Typer, module_name: str) -> typer.Typer:
    module = importlib.import_module(f"tradescreen.cli.{module_name}")
    app.add_typer(module.app)
    sub: typer.Typer = module.app
    return sub


def build_app(command: str | None = None) -> typer.Typer:
    """The CLI with the module of `command` only, or with every command (no command,
    help, or a command whose module is not known)."""
    home = COMMAND_HOMES.get(command or "")
    if home is not None:
        app = _new_app()
        if command in command_names(_mount(app, home)):
            return app
    app = _new_app()
    for name in COMMAND_MODULES:
        _mount(app, name)
    return app


_FULL: list[typer.Typer] = []


def __getattr__(name: str) -> typer.Typer:
    """`tradescreen.cli.app`: the app with every command, built on first use."""
    if name != "app":
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    if not _FULL:
        _FULL.append(build_app())
    return _FULL[0]


def main() -> None:
    """Console-script entry point."""
    args = sys.argv[1:]
    command = args[0] if args and not args[0].startswith("-") else None
    build_app(command)()
