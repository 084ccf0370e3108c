"""Spreadsheet-safe output: every CSV the product writes neutralises formula cells."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradescreen.batch import spreadsheet_safe
from tradescreen.cli import app

runner = CliRunner()
DANGEROUS = ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADESCREEN_DB", f"sqlite:///{tmp_path / 'o.db'}")
    monkeypatch.setenv("TRADESCREEN_CONFIG_DIR", str(tmp_path / "config"))


@pytest.mark.parametrize("value", DANGEROUS)
def test_formula_prefixes_become_text(value: str) -> None:
    assert spreadsheet_safe(value) == "'" + value
    assert spreadsheet_safe("Huawei") == "Huawei" and spreadsheet_safe(0.5) == 0.5


def _cells(path: Path) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [cell for row in csv.reader(fh) for cell in row]


def test_screen_file_output_is_neutralised(db: None, tmp_path: Path, shared_data: Path) -> None:
    assert runner.invoke(app, ["init"]).exit_code == 0
    # An official list: screening refuses (fails closed) on curated data alone.
    assert runner.invoke(app, ["load", str(shared_data / "dod_1260h" / "1260h.csv")]).exit_code == 0
    parties = tmp_path / "in.csv"
    with parties.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "name"])
        for i, bad in enumerate(DANGEROUS):
            writer.writerow([bad + str(i), "Huawei Technologies Co., Ltd."])
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["screen-file", str(parties), "--out", str(out)])
    assert result.exit_code in (0, 1), result.output
    cells = _cells(out)
    assert len(cells) > len(DANGEROUS)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
    assert any(c.startswith("'=HYPERLINK") for c in cells)


def test_compare_file_output_is_neutralised(db: None, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    with pairs.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name1", "name2"])
        for bad in DANGEROUS:
            writer.writerow([bad, "Huawei"])
    out = tmp_path / "scores.csv"
    result = runner.invoke(app, ["compare-file", str(pairs), "--out", str(out)])
    assert result.exit_code == 0, result.output
    cells = _cells(out)
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")], cells
