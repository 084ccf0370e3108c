"""CLI start-up imports only the module of the command being run."""

from __future__ import annotations

import subprocess
import sys

from tradescreen.cli import COMMAND_HOMES, build_app, command_names


def test_every_command_has_a_home_that_registers_it() -> None:
    full = command_names(build_app())
    assert full == set(COMMAND_HOMES)  # a new command needs its hint here
    for command in COMMAND_HOMES:
        app = build_app(command)
        assert command in command_names(app)
        assert command_names(app) < full  # only its module's commands


def test_screen_does_not_import_unrelated_modules() -> None:
    code = (
        "import sys; from tradescreen.cli import build_app; build_app('screen'); "
        "print(' '.join(sorted(m for m in sys.modules)))"
    )
    loaded = set(
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True
        ).stdout.split()
    )
    assert "tradescreen.cli.screening" in loaded
    for heavy in (
        "alembic",
        "pypinyin",
        "fastapi",
        "uvicorn",
        "tradescreen.cli.lists",
        "tradescreen.sources.download",
    ):
        assert heavy not in loaded, heavy
