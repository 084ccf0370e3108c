"""screen, screen-file, compare, compare-file against the loaded real lists, as a user runs them."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tradescreen.cli import app
from tradescreen.match.screen import DEFAULT_THRESHOLD

runner = CliRunner()


@pytest.fixture
def db(loaded_db_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TRADESCREEN_DB", loaded_db_url)
    return loaded_db_url


def test_screen_table_explains_hits(db: str) -> None:
    result = runner.invoke(app, ["screen", "KIM Jong Un", "--type", "individual", "--top", "3"])
    assert result.exit_code == 0, result.output
    assert "KIM, Jong Un" in result.output and "tokens matched" in result.output


def test_screen_json_sources_and_country(db: str) -> None:
    result = runner.invoke(
        app, ["screen", "Hua Wei Technologies", "--country", "CN", "--sources", "EL", "--json"]
    )
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    results = answer["results"]
    assert results and {m["list"] for r in results for m in r["memberships"]} == {"EL"}
    assert "Huawei Technologies Co., Ltd." in {m["name"] for m in results[0]["memberships"]}
    assert "country CN agrees" in results[0]["explanation"]
    assert answer["as_of"] and {item["feed"] for item in answer["lists"]} >= {"csl", "curated"}
    assert all(m["state"] == "listed" for r in results for m in r["memberships"])


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["screen", "Huawei", "--threshold", "1.5"], "--threshold"),
        (["screen", "Huawei", "--type", "robot"], "--type"),
        (["screen", "Huawei", "--as-of", "2021-02-30"], ""),
        (["screen", "!!!"], ""),
    ],
)
def test_screen_bad_options_exit_2(db: str, args: list[str], field: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code in (0, 2), result.output
    if args[1] != "!!!":
        assert result.exit_code == 2 and field in result.output
    assert "Traceback" not in result.output


def test_screen_very_long_name(db: str) -> None:
    result = runner.invoke(app, ["screen", "Huawei Technologies " * 500, "--json"])
    assert result.exit_code == 0, result.output
    assert isinstance(json.loads(result.output)["results"], list)


def test_compare_scores_siblings_low_and_variants_high(db: str) -> None:
    low = runner.invoke(app, ["compare", "Kibaha Cement Traders Ltd", "Kibaha Cement Products Ltd", "--json"])
    high = runner.invoke(app, ["compare", "华为技术有限公司", "Huawei Technologies Co., Ltd.", "--json"])
    assert low.exit_code == high.exit_code == 0
    assert json.loads(low.output)["score"] < DEFAULT_THRESHOLD <= json.loads(high.output)["score"]


def test_screen_file_one_row_per_hit_in_input_order(db: str, tmp_path: Path) -> None:
    src = tmp_path / "in.csv"
    src.write_text(
        "id,name,country,type\nb,HUAWEI TECH. CO LTD,CN,\na,Kind Bakery,US,entity\n"
        "c,KIM Jong Un,,individual\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.csv"
    result = runner.invoke(app, ["screen-file", str(src), "--out", str(out), "--top", "2"])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["id"] for r in rows] == sorted((r["id"] for r in rows), key="bac".index)
    assert {r["id"] for r in rows} == {"b", "c"}
    assert all(r["rank"] in ("1", "2") for r in rows)


def test_compare_file_bad_rows_name_the_line(db: str, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text("name1,name2,type\nA,B,entity\nC,D,robot\n", encoding="utf-8")
    result = runner.invoke(app, ["compare-file", str(pairs), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2 and ":3" in result.output and "type" in result.output
    assert not (tmp_path / "o.csv").exists()
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"name1,name2\nA,B\n\xff\xfe,C\n")
    result = runner.invoke(app, ["compare-file", str(broken), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2 and ":3" in result.output and "UTF-8" in result.output
    missing = tmp_path / "missing.csv"
    missing.write_text("a,b\n1,2\n", encoding="utf-8")
    result = runner.invoke(app, ["compare-file", str(missing), "--out", str(tmp_path / "o.csv")])
    assert result.exit_code == 2 and "name1" in result.output


def test_compare_file_keeps_rows_and_order(db: str, tmp_path: Path) -> None:
    pairs = tmp_path / "pairs.csv"
    pairs.write_text(
        'name1,name2\nKIM Jong Un,"KIM, Jong Un"\n,\nOCEAN STAR 12,OCEAN STAR 19\n', encoding="utf-8"
    )
    out = tmp_path / "o.csv"
    assert runner.invoke(app, ["compare-file", str(pairs), "--out", str(out)]).exit_code == 0
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["name1"] for r in rows] == ["KIM Jong Un", "", "OCEAN STAR 12"]
    assert float(rows[0]["score"]) >= DEFAULT_THRESHOLD and float(rows[1]["score"]) == 0.0
    assert float(rows[2]["score"]) < DEFAULT_THRESHOLD
