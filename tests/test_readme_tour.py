"""The README tour runs as printed: every command of its "A tour" block, in order, on a
fresh SQLite store, from a directory laid out like a clone (`../shared/data` beside it,
`examples/` inside it). The commands are read from README.md, so the README cannot drift.
Only `serve` (it keeps running) is not run."""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradescreen.cli import app

ROOT = Path(__file__).resolve().parents[1]
NOT_RUN = {"serve"}  # long-running: started by hand


def tour_commands(readme: Path = ROOT / "README.md") -> list[list[str]]:
    """The argument lists of the tour, in order (`a && b` is two commands)."""
    text = readme.read_text(encoding="utf-8")
    block = text.split("## A tour", 1)[1].split("```\n", 2)[1]
    commands: list[list[str]] = []
    for line in block.splitlines():
        words = shlex.split(line, comments=True)
        while words:
            cut = words.index("&&") if "&&" in words else len(words)
            command, words = words[:cut], words[cut + 1 :]
            assert command[0] == "tradescreen", line
            commands.append(command[1:])
    return commands


def test_tour_is_parsed_from_the_readme() -> None:
    commands = tour_commands()
    assert commands[0] == ["init"]
    assert ["update", "--mirror", "../shared/data"] in commands
    assert any(c[:2] == ["load", "../shared/data/un_consolidated.xml"] for c in commands)
    assert len(commands) > 30


def test_readme_tour_runs_as_printed(
    shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    clone = tmp_path / "clone"
    clone.mkdir()
    (tmp_path / "shared").mkdir()
    (tmp_path / "shared" / "data").symlink_to(shared_data)
    (clone / "examples").symlink_to(ROOT / "examples")
    monkeypatch.chdir(clone)
    monkeypatch.setenv("TRADESCREEN_DB", f"sqlite:///{tmp_path / 'tour.db'}")
    monkeypatch.setenv("TRADESCREEN_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("TRADESCREEN_CONFIG_DIR", str(tmp_path / "config"))
    monkeypatch.delenv("TRADESCREEN_WEBHOOK_URL", raising=False)
    runner = CliRunner()
    ran = 0
    for args in tour_commands():
        if args[0] in NOT_RUN:
            continue
        result = runner.invoke(app, args)
        assert result.exit_code == 0, f"tradescreen {shlex.join(args)} -> {result.exit_code}\n{result.output}"
        assert "Traceback" not in result.output
        ran += 1
    assert (clone / "hits.csv").exists() and (clone / "certificate.pdf").exists()
    assert ran == len(tour_commands()) - 1
