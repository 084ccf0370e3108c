"""The screening service through every front end: one result model, the same records, live
memberships only alert, merged entities, fail closed, bad input naming the field."""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from tradescreen.app import create_app
from tradescreen.cli import app as cli
from tradescreen.config import CURATED_DIR
from tradescreen.domain import MembershipState, Party
from tradescreen.errors import InputError
from tradescreen.services.lists import NO_OFFICIAL_LIST, NoOfficialListError, lists_used, staleness_warnings
from tradescreen.services.screening import screen_party
from tradescreen.store.db import make_engine, migrate, session_scope
from tradescreen.store.load import load_path
from tradescreen.store.review_tables import AlertRow, AuditRow, ScreeningRow

runner = CliRunner()


@pytest.fixture
def store(loaded_db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A private copy of the loaded store (these tests count records and alerts)."""
    source = Path(loaded_db_url.removeprefix("sqlite:///"))
    checkpoint = make_engine(loaded_db_url)
    with checkpoint.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    checkpoint.dispose()
    copy = tmp_path / "store.db"
    shutil.copy(source, copy)
    url = f"sqlite:///{copy}"
    monkeypatch.setenv("TRADESCREEN_DB", url)
    monkeypatch.setenv("TRADESCREEN_LOCAL_AUTH", "1")
    engine = make_engine(url)
    yield engine
    engine.dispose()


@pytest.fixture
def curated_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Engine]:
    """A store holding only the curated data: no official list."""
    url = f"sqlite:///{tmp_path / 'curated.db'}"
    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as s:
        load_path(s, CURATED_DIR)
    monkeypatch.setenv("TRADESCREEN_DB", url)
    monkeypatch.setenv("TRADESCREEN_LOCAL_AUTH", "1")
    yield engine
    engine.dispose()


def test_every_front_end_refuses_without_an_official_list(curated_only: Engine, tmp_path: Path) -> None:
    for args in (
        ["screen", "Huawei Technologies"],
        ["status", "Huawei Technologies"],
        ["determine", "-p", "end_user=Huawei Technologies", "--eccn", "EAR99", "-d", "CN"],
        ["securities", "Xiaomi Corporation"],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2, (args, result.output)
        assert "no official list loaded" in result.output and "tradescreen update" in result.output
    src = tmp_path / "in.csv"
    src.write_text("id,name\n1,Huawei Technologies\n", encoding="utf-8")
    result = runner.invoke(cli, ["screen-file", str(src), "--out", str(tmp_path / "out.csv")])
    assert result.exit_code == 2 and "no official list loaded" in result.output
    assert not (tmp_path / "out.csv").exists()
    client = TestClient(create_app(curated_only))
    api = client.get("/api/v1/search", params={"name": "Huawei Technologies"})
    assert api.status_code == 503 and api.json()["error"]["message"] == NO_OFFICIAL_LIST
    assert client.get("/api/v1/securities", params={"issuer": "Xiaomi"}).status_code == 503
    web = client.get("/", params={"name": "Huawei Technologies"})
    assert web.status_code == 503 and "no official list loaded" in web.text
    with session_scope(curated_only) as s:
        assert not s.scalars(select(ScreeningRow)).all()  # nothing recorded as "clear"


def test_same_answer_and_same_records_from_every_front_end(store: Engine, tmp_path: Path) -> None:
    name = "Hikvision"
    client = TestClient(create_app(store))
    api = client.get("/api/v1/search", params={"name": name, "limit": 10})
    assert api.status_code == 200, api.text
    web = client.get("/", params={"name": name})
    assert web.status_code == 200
    shown = runner.invoke(cli, ["screen", name, "--json"])
    assert shown.exit_code == 0, shown.output
    src = tmp_path / "in.csv"
    src.write_text(f"id,name\nc1,{name}\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    batch = runner.invoke(cli, ["screen-file", str(src), "--out", str(out)])
    assert batch.exit_code == 0, batch.output

    from_api, from_cli = api.json(), json.loads(shown.output)
    assert from_api["results"] and from_api["hit"] is True
    assert from_api["results"] == from_cli["results"] and from_api["lists"] == from_cli["lists"]
    rows = list(csv.DictReader(out.read_text(encoding="utf-8").splitlines()))
    assert [r["entity_id"] for r in rows] == [r["entity"]["id"] for r in from_api["results"]]
    assert rows[0]["state"] == "listed" and rows[0]["lists"]
    for r in from_api["results"]:
        assert r["entity"]["name"] in web.text

    with session_scope(store) as s:
        screenings = list(s.scalars(select(ScreeningRow).where(ScreeningRow.name == name)))
        assert len(screenings) == 4  # API, web, CLI, batch row: each recorded
        assert all(sc.hits == from_api["results"] for sc in screenings)
        kinds = [a.kind for a in s.scalars(select(AuditRow).order_by(AuditRow.seq))]
        assert kinds.count("screening") == 4 and kinds.count("screening_result") == 4
        assert "batch_screening" in kinds
        alerts = list(s.scalars(select(AlertRow)))
    by_name = [a for a in alerts if a.party_key == f"name:{name.casefold()}"]
    by_id = [a for a in alerts if a.party_key == "id:c1"]
    # one open alert per (party, entity): three screenings by name, one alert seen 3 times
    assert len(by_name) == len(from_api["results"]) and {a.times_seen for a in by_name} == {3}
    assert {a.entity_id for a in by_id} == {a.entity_id for a in by_name}


def test_ended_listings_never_alert_and_show_when_asked(store: Engine) -> None:
    today = runner.invoke(cli, ["screen", "Xiaomi Corporation", "--json", "--fail-on-hit"])
    assert today.exit_code == 0, today.output  # the 1237 listing ended in 2021: no hit
    answer = json.loads(today.output)
    assert answer["hit"] is False and answer["results"] == []
    ended = json.loads(
        runner.invoke(cli, ["screen", "Xiaomi Corporation", "--json", "--include-ended"]).output
    )
    memberships = [m for r in ended["results"] for m in r["memberships"]]
    xiaomi = next(m for m in memberships if m["entry_id"] == "curated:xiaomi:1237")
    assert xiaomi["state"] == "removed" and xiaomi["until"] and not ended["hit"]
    then = json.loads(
        runner.invoke(cli, ["screen", "Xiaomi Corporation", "--json", "--as-of", "2021-02-01"]).output
    )
    assert then["hit"] is True and then["as_of"] == "2021-02-01"
    client = TestClient(create_app(store))
    api = client.get("/api/v1/search", params={"name": "Xiaomi Corporation", "include_ended": "true"}).json()
    assert api["results"] == ended["results"]
    with session_scope(store) as s:
        alerts = s.scalars(select(AlertRow).where(AlertRow.entity_id.like("%xiaomi%"))).all()
        assert [a.party_key for a in alerts] == ["name:xiaomi corporation"]  # only the 2021 screening


def test_one_result_per_real_world_entity(store: Engine) -> None:
    with session_scope(store) as s:
        answer = screen_party(
            s, Party("Huawei Technologies Co., Ltd.", country="CN"), actor="t", record=False
        )
    huawei = [
        r for r in answer.results if any(m.entry_id.startswith("curated:huawei") for m in r.memberships)
    ]
    assert len(huawei) == 1
    result = huawei[0]
    lists = {m.list for m in result.memberships}
    assert {"EL", "CMIC", "FCC"} <= lists and result.merged_because
    assert all(m.state is MembershipState.LISTED for m in result.memberships)
    # every source row stays reachable from the result
    assert len({m.entry_id for m in result.memberships}) == len(result.memberships)
    el = next(m for m in result.memberships if m.entry_id == "curated:huawei:EL")
    assert el.since == dt.date(2019, 5, 16) and el.citations


def test_bad_input_names_the_field(store: Engine) -> None:
    for args, field in (
        (["screen", "Huawei", "--state", "gone"], "--state"),
        (["screen", "Huawei", "--as-of", "1900-01-01"], "as_of"),
        (["screen", "  "], "NAME"),
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 2 and field in result.output, (args, result.output)
    client = TestClient(create_app(store))
    for params, field in (
        ({"name": "Huawei", "state": "gone"}, "state"),
        ({"name": "Huawei", "as_of": "1900-01-01"}, "as_of"),
        ({"name": "   "}, "name"),
        ({"name": ""}, "name"),
    ):
        response = client.get("/api/v1/search", params=params)
        assert response.status_code == 422 and response.json()["error"]["field"] == field, params


def test_stale_lists_warn(store: Engine, monkeypatch: pytest.MonkeyPatch) -> None:
    with session_scope(store) as s:
        used = lists_used(s)
    later = dt.date.today() + dt.timedelta(days=30)
    warnings = staleness_warnings(used, today=later)
    assert warnings and all("older than 7 days" in w for w in warnings)
    assert not any("curated" in w for w in warnings)  # curated data is not a feed that ages
    monkeypatch.setenv("TRADESCREEN_MAX_LIST_AGE_DAYS", "60")
    assert staleness_warnings(used, today=later) == []


def test_service_refuses_and_rejects_directly(curated_only: Engine) -> None:
    with session_scope(curated_only) as s, pytest.raises(NoOfficialListError):
        screen_party(s, Party("Huawei"), actor="t")
    with session_scope(curated_only) as s, pytest.raises(InputError, match="empty name"):
        screen_party(s, Party(" "), actor="t")


def test_review_queue_groups_by_entity(store: Engine) -> None:
    for _ in range(2):
        assert runner.invoke(cli, ["screen", "Hikvision"]).exit_code == 0
    shown = runner.invoke(cli, ["review", "list", "--by-entity"])
    assert shown.exit_code == 0 and "Hikvision" in shown.output, shown.output
    with session_scope(store) as s:
        from tradescreen import review

        groups = review.alerts_by_entity(s)
    assert groups and all(len({a.entity_id for a in group}) == 1 for group in groups.values())
    assert {a.times_seen for group in groups.values() for a in group} == {2}
