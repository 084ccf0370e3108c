"""determine, de-minimis, fdp, securities and ownership as a user runs them."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradescreen.cli import app

runner = CliRunner()


@pytest.fixture
def db(loaded_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TRADESCREEN_DB", loaded_db_url)
    return loaded_db_url


def test_de_minimis_shows_arithmetic() -> None:
    result = runner.invoke(app, ["de-minimis", "--us-content", "12", "--price", "100", "-d", "IR"])
    assert result.exit_code == 0, result.output
    assert "SUBJECT TO THE EAR" in result.output and "12.00%" in result.output and "10%" in result.output
    data = json.loads(
        runner.invoke(
            app, ["de-minimis", "--us-content", "12", "--price", "100", "-d", "DE", "--json"]
        ).output
    )
    assert data["subject_to_ear"] is False and data["threshold"] == 25.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--us-content", "-1", "--price", "100", "-d", "CN"], "controlled_us_content"),
        (["--us-content", "120", "--price", "100", "-d", "CN"], "over 100%"),
        (["--us-content", "1", "--price", "0", "-d", "CN"], "price"),
        (["--us-content", "1", "--price", "10", "-d", "QQ"], "destination"),
    ],
)
def test_de_minimis_bad_input_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["de-minimis", *args])
    assert result.exit_code == 2 and message in result.output
    assert "Traceback" not in result.output


def test_fdp_procedure() -> None:
    args = ["fdp", "--direct-product", "--footnote1-party"]
    before = runner.invoke(app, [*args, "--as-of", "2020-05-14"])
    after = runner.invoke(app, [*args, "--as-of", "2020-09-01", "--json"])
    assert before.exit_code == 0 and "did not exist" in before.output
    assert json.loads(after.output)["subject_to_ear"] is True


def test_determine_json_and_table(db: str) -> None:
    # The ARCHITECTURE.md form: --party NAME --eccn ECCN --country CC
    base = ["determine", "--party", "Huawei Technologies Co., Ltd.", "--eccn", "EAR99", "--country", "CN"]
    data = json.loads(runner.invoke(app, [*base, "--as-of", "2019-06-01", "--json"]).output)
    assert data["verdict"] == "license_required" or data["verdict"].lower().startswith("license")
    assert {r["rule"] for r in data["rules"]} >= {"entity_list", "temporary_general_license"}
    table = runner.invoke(app, [*base, "--as-of", "2019-05-15"])
    assert table.exit_code == 0 and "NO LIST-BASED LICENSE REQUIREMENT" in table.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-p", "buyer=X", "--eccn", "5A9", "-d", "CN"], "eccn"),
        (["-p", "buyer=X", "--eccn", "EAR99", "-d", "ZZ"], "destination"),
        (["-p", "shipper=X", "--eccn", "EAR99", "-d", "CN"], "--party"),
        (["-p", "buyer=X", "--eccn", "EAR99", "-d", "CN", "--as-of", "2020-02-30"], "--as-of"),
    ],
)
def test_determine_bad_input_exit_2(db: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["determine", *args])
    assert result.exit_code == 2 and message in result.output, result.output


def test_securities(db: str) -> None:
    result = runner.invoke(app, ["securities", "--isin", "CNE1000002V2", "--as-of", "2021-08-02"])
    assert result.exit_code == 0 and "PURCHASE PROHIBITED" in result.output
    bad = runner.invoke(app, ["securities", "--isin", "X1"])
    assert bad.exit_code == 2 and "isin" in bad.output


def test_ownership_import_and_show(db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Import into a private copy so the shared loaded store stays read-only.
    shutil.copy(db.removeprefix("sqlite:///"), tmp_path / "own.db")
    monkeypatch.setenv("TRADESCREEN_DB", f"sqlite:///{tmp_path / 'own.db'}")
    good = tmp_path / "good.csv"
    good.write_text("owner,owned,share\nKIM Jong Un,Example Trading,60\n", encoding="utf-8")
    assert runner.invoke(app, ["ownership", "import", str(good)]).exit_code == 0
    shown = runner.invoke(app, ["ownership", "show", "Example Trading", "--as-of", "2024-01-01"])
    assert shown.exit_code == 0 and "KIM Jong Un" in shown.output and "60.0%" in shown.output
    assert "OFAC 50% rule: listed owners hold 60%" in shown.output
    bad = tmp_path / "bad.csv"
    bad.write_text("owner,owned,share\nA,B,lots\n", encoding="utf-8")
    result = runner.invoke(app, ["ownership", "import", str(bad)])
    assert result.exit_code == 2 and "bad.csv:2" in result.output and "share" in result.output


def test_ownership_show_linked_to_from_sdn_remarks(db: str) -> None:
    # sdn.csv remarks: "Linked To: SILVER HOUSE, INC" on individuals; ids are shown as names.
    result = runner.invoke(app, ["ownership", "show", "SILVER HOUSE, INC", "--as-of", "2024-01-01", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["paths"] == [] and data["links"]
    assert all(link["type"] == "linked_to" and link["share"] is None for link in data["links"])
    assert not any(link["subject"].startswith("ofac_sdn:") for link in data["links"])
