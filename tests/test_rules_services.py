"""The rule services wired into the front ends: `status` and `determine` agree (one decision
function), ERC publication and scenarios through the CLI, determination output, and the
refusals (exit 2 naming the field)."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from tradescreen import erc
from tradescreen.cli import app
from tradescreen.domain import ListSource, Party
from tradescreen.rules.licensing import TransactionParty
from tradescreen.services.rules import determine_transaction, party_status, screen_scenario
from tradescreen.store.db import make_engine, session_scope

runner = CliRunner()
D = dt.date.fromisoformat
HUAWEI = "Huawei Technologies Co., Ltd."
AFFILIATE = "Guian New District Huawei Investment Co., Ltd."  # CSL: "..., Guiyang, Guizhou"


@pytest.fixture(scope="module")
def store(
    loaded_db_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, dict[str, int]]]:
    """A copy of the loaded store with ERC cases: an approved, unpublished Huawei removal,
    an approved, unpublished addition, and a case only proposed."""
    target = tmp_path_factory.mktemp("rules_services") / "s.db"
    source = sqlite3.connect(loaded_db_url.removeprefix("sqlite:///"))
    dest = sqlite3.connect(target)
    source.backup(dest)
    source.close()
    dest.close()
    url = f"sqlite:///{target}"
    engine = make_engine(url)
    cases: dict[str, int] = {}
    with session_scope(engine) as s:
        removal = erc.propose(
            s, action="remove", party=HUAWEI, country="CN", by="Commerce", on=D("2021-09-01")
        )
        add = erc.propose(
            s,
            action="add",
            party="Omicron Photonics Co., Ltd.",
            country="CN",
            by="Defense",
            on=D("2021-09-01"),
        )
        for case in (removal, add):
            for agency in ("Commerce", "State", "Defense", "Energy"):
                erc.vote(s, case.id, agency=agency, yes=True, rationale="-", on=D("2021-09-02"))
            assert erc.decide(s, case.id, on=D("2021-09-03")) == "approved"
            erc.finalize(s, case.id, on=D("2021-09-20"), effective=D("2021-10-01"))
        cases["removal"], cases["add"] = removal.id, add.id
        cases["proposed"] = erc.propose(
            s, action="add", party="Pi Devices Ltd", country="CN", by="State", on=D("2021-09-01")
        ).id
    engine.dispose()
    yield url, cases


@pytest.fixture
def cli(store: tuple[str, dict[str, int]], monkeypatch: pytest.MonkeyPatch) -> dict[str, int]:
    monkeypatch.setenv("TRADESCREEN_DB", store[0])
    return store[1]


def _json(args: list[str]) -> dict[str, Any]:
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.output)
    return data


@pytest.mark.parametrize(
    ("name", "day", "listed"),
    [
        (AFFILIATE, "2019-05-15", False),  # before the rule's effective date
        (AFFILIATE, "2019-06-01", True),  # the CSL row carries a city suffix
        (HUAWEI, "2019-05-15", False),
        (HUAWEI, "2021-12-01", True),
    ],
)
def test_status_and_determine_agree(cli: dict[str, int], name: str, day: str, listed: bool) -> None:
    status = _json(["status", name, "--as-of", day])
    on_el = {s["state"] for s in status["listings"] if s["list"] == "EL"}
    determination = _json(
        ["determine", "-p", f"end_user={name}", "--eccn", "EAR99", "-d", "CN", "--as-of", day]
    )
    fired = {r["rule"] for r in determination["rules"]}
    assert ("listed" in on_el) is listed, status["listings"]
    assert ("entity_list" in fired) is listed, fired


def test_service_status_uses_the_resolver(store: tuple[str, dict[str, int]]) -> None:
    engine = make_engine(store[0])
    with Session(engine) as s:
        answer = party_status(s, AFFILIATE, D("2019-06-01"))
        result = determine_transaction(
            s, [TransactionParty(AFFILIATE, "end_user")], "EAR99", "CN", D("2019-06-01")
        )
    engine.dispose()
    el = [x for x in answer.listings if x.source is ListSource.EL and x.restricted]
    assert el and answer.restricted
    assert any(r.rule == "entity_list" for r in result.result.rules)


def test_scenario_is_labelled_and_changes_the_answer(cli: dict[str, int]) -> None:
    args = ["determine", "-p", f"end_user={HUAWEI}", "--eccn", "EAR99", "-d", "CN", "--as-of", "2021-12-01"]
    official = _json(args)
    scenario = _json([*args, "--scenario", str(cli["removal"])])
    assert official["scenario"] is None and "entity_list" in {r["rule"] for r in official["rules"]}
    assert scenario["scenario"].startswith("SCENARIO (not an official answer)")
    assert "entity_list" not in {r["rule"] for r in scenario["rules"]}
    text = runner.invoke(app, [*args, "--scenario", str(cli["removal"])])
    assert text.exit_code == 0 and text.output.count("SCENARIO (not an official answer)") >= 2
    status = _json(["status", HUAWEI, "--as-of", "2021-12-01", "--scenario", str(cli["removal"])])
    assert status["scenario"].startswith("SCENARIO") and "listed" not in {
        s["state"] for s in status["listings"] if s["list"] == "EL"
    }
    # The official answer is unchanged after the scenario (it was rolled back).
    assert _json(["status", HUAWEI, "--as-of", "2021-12-01"])["restricted"] is True


def test_screen_scenario_is_never_recorded(store: tuple[str, dict[str, int]]) -> None:
    from tradescreen.store.review_tables import AlertRow, ScreeningRow

    engine = make_engine(store[0])
    with Session(engine) as s:
        before = (
            s.scalar(select(func.count()).select_from(ScreeningRow)),
            s.scalar(select(func.count()).select_from(AlertRow)),
        )
        response = screen_scenario(
            s, Party("Omicron Photonics Co., Ltd."), store[1]["add"], as_of=D("2022-01-01"), actor="test"
        )
        s.commit()
        after = (
            s.scalar(select(func.count()).select_from(ScreeningRow)),
            s.scalar(select(func.count()).select_from(AlertRow)),
        )
    engine.dispose()
    assert response.scenario and response.scenario.startswith("SCENARIO (not an official answer)")
    assert response.hit and response.screening_id is None and response.alerts == []
    assert before == after


def test_publish_refusals_and_success(cli: dict[str, int]) -> None:
    add = str(cli["add"])
    refused = runner.invoke(
        app, ["erc", "publish", str(cli["proposed"]), "--fr-cite", "86 FR 1", "--effective", "2022-01-01"]
    )
    assert refused.exit_code == 2 and "only a final approval" in refused.output
    no_cite = runner.invoke(app, ["erc", "publish", add, "--fr-cite", " ", "--effective", "2022-01-01"])
    assert no_cite.exit_code == 2 and "fr_cite" in no_cite.output
    bad_date = runner.invoke(
        app, ["erc", "publish", add, "--fr-cite", "86 FR 1", "--effective", "2022-13-01"]
    )
    assert bad_date.exit_code == 2 and "--effective" in bad_date.output
    before = _json(["status", "Omicron Photonics Co., Ltd.", "--as-of", "2022-02-01"])
    assert not before["restricted"]
    ok = runner.invoke(app, ["erc", "publish", add, "--fr-cite", "86 FR 12345", "--effective", "2022-01-15"])
    assert ok.exit_code == 0, ok.output
    listed = runner.invoke(app, ["erc", "list"])
    assert "published" in listed.output
    shown = runner.invoke(app, ["erc", "show", add])
    assert "publication" in shown.output and "86 FR 12345" in shown.output
    assert _json(["status", "Omicron Photonics Co., Ltd.", "--as-of", "2022-02-01"])["restricted"] is True
    assert not _json(["status", "Omicron Photonics Co., Ltd.", "--as-of", "2022-01-14"])["restricted"]
    again = runner.invoke(
        app, ["erc", "publish", add, "--fr-cite", "86 FR 12345", "--effective", "2022-01-15"]
    )
    assert again.exit_code == 2


def test_determination_text_output(cli: dict[str, int]) -> None:
    out = runner.invoke(
        app,
        [
            "determine",
            "-p",
            "end_user=Acme Widgets GmbH",
            "--eccn",
            "5A002",
            "-d",
            "CN",
            "--as-of",
            "2024-01-01",
        ],
    ).output
    first = next(line for line in out.splitlines() if "LICENSE REQUIRED" in line)
    assert "UNVERIFIED" in first  # next to the verdict, not only in a footnote
    assert "unverified:" in out and "country_chart" in out
    assert "Red flags to check" in out
    iran = runner.invoke(
        app,
        [
            "determine",
            "-p",
            "end_user=Acme Widgets GmbH",
            "--eccn",
            "EAR99",
            "-d",
            "IR",
            "--as-of",
            "2024-01-01",
        ],
    ).output
    assert "746.7" in iran  # destination controls even for a clean party


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["--eccn", "5A9", "-d", "CN"], "eccn"),
        (["--eccn", "5A999", "-d", "CN"], "eccn"),
        (["--eccn", "EAR99", "-d", "QQ"], "destination"),
        (["--eccn", "EAR99", "-d", "CN", "--as-of", "2024-02-30"], "--as-of"),
    ],
)
def test_determine_refusals_name_the_field(cli: dict[str, int], args: list[str], field: str) -> None:
    result = runner.invoke(app, ["determine", "-p", "end_user=Acme Widgets GmbH", *args])
    assert result.exit_code == 2 and field in result.output, result.output


def test_securities_needs_one_of_three(cli: dict[str, int]) -> None:
    result = runner.invoke(app, ["securities"])
    assert result.exit_code == 2 and "issuer" in result.output


def test_api_publish_scenario_and_status(store: tuple[str, dict[str, int]]) -> None:
    import httpx

    from tests.live_server import live_server
    from tradescreen.services.auth import Role, create_key

    engine = make_engine(store[0])
    with session_scope(engine) as s:
        key = {"X-API-Key": create_key(s, Role.ADMIN, "rules-services")}
    cases = store[1]
    with live_server(engine) as base:
        api = base + "/api/v1"
        status = httpx.get(
            api + "/status",
            params={"name": HUAWEI, "as_of": "2021-12-01", "scenario": cases["removal"]},
            headers=key,
            timeout=120,
        )
        assert status.status_code == 200, status.text
        assert status.json()["scenario"].startswith("SCENARIO (not an official answer)")
        body = {
            "parties": [{"name": HUAWEI, "role": "end_user"}],
            "eccn": "EAR99",
            "destination": "CN",
            "as_of": "2021-12-01",
        }
        official = httpx.post(api + "/determinations", json=body, headers=key, timeout=120).json()
        hypo = httpx.post(
            api + "/determinations", json={**body, "scenario": cases["removal"]}, headers=key, timeout=120
        ).json()
        assert official["scenario"] is None and hypo["scenario"].startswith("SCENARIO")
        assert official["verdict"] != hypo["verdict"]
        bad = httpx.post(api + "/determinations", json={**body, "destination": "QQ"}, headers=key)
        assert bad.status_code == 422 and bad.json()["error"]["field"] == "destination"
        refused = httpx.post(
            api + f"/erc/cases/{cases['proposed']}/publish",
            json={"fr_cite": "86 FR 1", "effective": "2022-01-01"},
            headers=key,
        )
        assert refused.status_code == 422, refused.text
        no_cite = httpx.post(
            api + f"/erc/cases/{cases['removal']}/publish",
            json={"fr_cite": "", "effective": "2022-01-01"},
            headers=key,
        )
        assert no_cite.status_code == 422 and no_cite.json()["error"]["field"] == "fr_cite"
        sec = httpx.get(api + "/securities", headers=key)
        assert sec.status_code == 422 and sec.json()["error"]["field"] == "issuer"
    engine.dispose()
