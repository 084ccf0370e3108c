"""Shared pieces of the CLI: the console, date parsing, error-to-exit-code mapping."""

from __future__ import annotations

import datetime as dt
import functools
import getpass
from collections.abc import Callable
from typing import ParamSpec, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from tradescreen.errors import InputError, TradescreenError

console = Console()
err_console = Console(stderr=True)

P = ParamSpec("P")
R = TypeVar("R")

EXIT_OK = 0
EXIT_HITS = 1
EXIT_BAD_INPUT = 2


def cli_actor() -> str:
    """Who runs the command, for the record (the OS user; never fails)."""
    try:
        return f"cli:{getpass.getuser()}"
    except (OSError, KeyError):
        return "cli:unknown"


def parse_date(value: str | None, field: str = "--as-of") -> dt.date | None:
    """Parse an ISO date given on the command line (None stays None)."""
    if value is None or value == "":
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"not a date (want YYYY-MM-DD): {value!r}", field=field) from exc


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a TradescreenError (bad input, unknown id, refused step) into a message and exit 2."""

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except TradescreenError as exc:  # bad input, unknown ids, refused procedure steps
            # soft_wrap: a long path must stay on one line, copyable and greppable
            err_console.print(f"[bold red]error:[/] {escape(str(exc))}", highlight=False, soft_wrap=True)
            raise typer.Exit(EXIT_BAD_INPUT) from exc

    return wrapper
