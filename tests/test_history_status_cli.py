"""`tradescreen status NAME --as-of` answers by name, on the store loaded with real and curated data."""

from __future__ import annotations

import json
from typing import Any

import pytest
from typer.testing import CliRunner

from tradescreen.cli import app

runner = CliRunner()


@pytest.fixture
def loaded(monkeypatch: pytest.MonkeyPatch, loaded_db_url: str) -> str:
    """Point the CLI at the session-loaded store (read-only use)."""
    monkeypatch.setenv("TRADESCREEN_DB", loaded_db_url)
    return loaded_db_url


def _status(name: str, date: str) -> dict[str, Any]:
    result = runner.invoke(app, ["status", name, "--as-of", date, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


def _states(data: dict[str, Any], list_code: str) -> set[str]:
    return {s["state"] for s in data["listings"] if s["list"] == list_code}


@pytest.mark.parametrize(
    ("date", "state"),
    [("2019-05-15", "not_yet_listed"), ("2019-05-16", "listed"), ("2020-06-01", "listed")],
)
def test_huawei_entity_list(loaded: str, date: str, state: str) -> None:
    data = _status("Huawei Technologies Co., Ltd.", date)
    assert _states(data, "EL") == {state}
    el = next(s for s in data["listings"] if s["list"] == "EL")
    if state == "listed":
        assert "all items" in (el["license_requirement"] or "").lower()
        assert el["license_policy"] == "Presumption of denial"
        assert ("1" in el["footnotes"]) is (date >= "2020-05-15")


def test_huawei_by_name_gathers_every_feed(loaded: str) -> None:
    data = _status("Huawei Technologies Co., Ltd.", "2021-07-01")
    feeds = {s["entity_id"].split(":")[0] for s in data["listings"]}
    assert {"curated", "ofac_cons", "dod_1260h"} <= feeds
    assert data["restricted"]


@pytest.mark.parametrize(
    ("date", "owner"),
    [("2020-06-01", "Huawei"), ("2020-11-16", "Huawei"), ("2020-11-17", "Zhixin"), ("2021-01-01", "Zhixin")],
)
def test_honor_ownership_not_listing(loaded: str, date: str, owner: str) -> None:
    data = _status("Honor Device Co., Ltd.", date)
    assert not data["restricted"]
    owners = {o["owner"] for o in data["owners"]}
    assert owners and all(owner in o for o in owners)


@pytest.mark.parametrize(
    ("name", "date", "restricted"),
    [
        ("ZTE Corporation", "2016-03-07", False),
        ("ZTE Corporation", "2017-01-01", True),
        ("ZTE Corporation", "2017-06-01", False),
        ("Xiaomi Corporation", "2021-01-13", False),
        ("Xiaomi Corporation", "2021-02-01", True),
        ("Xiaomi Corporation", "2021-04-01", False),
        ("Xiaomi Corporation", "2021-06-01", False),
    ],
)
def test_restricted_before_and_after_events(loaded: str, name: str, date: str, restricted: bool) -> None:
    assert _status(name, date)["restricted"] is restricted


def test_tiktok_enjoined(loaded: str) -> None:
    data = _status("TikTok", "2020-10-01")
    assert "enjoined" in {s["state"] for s in data["listings"]}
    assert not data["restricted"]
    assert "listed" in {s["state"] for s in _status("TikTok", "2020-09-20")["listings"]}
