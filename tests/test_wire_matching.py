"""Matching v2 wired through the one screening service into every front end (issue 11).

Person attributes (dob, nationality, id_number), the per-feature explanation and the
refusal of names with nothing to screen behave the same through the CLI, the API, the web
page and a batch file, on a store holding the real 2024 SDN list and the DoD 1260H list.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner

from tests.conftest import CHROMIUM
from tests.live_server import live_server
from tradescreen.cli import build_app
from tradescreen.config import CURATED_DIR
from tradescreen.domain import Party
from tradescreen.errors import InputError
from tradescreen.match.screen import DEFAULT_THRESHOLD
from tradescreen.services.auth import Role, create_key
from tradescreen.services.screening import check_party, screen_party
from tradescreen.store.db import make_engine, migrate, session_scope
from tradescreen.store.load import load_path

runner = CliRunner()
# screen, screen-file and compare live in one CLI module: mount only that one.
app = build_app("screen")

# A real SDN person with one date of birth on the list: "DOB 04 Aug 1958; POB Aleppo, Syria".
PERSON = "DARKAZANLI, Mamoun"
PERSON_DOB = "1958-08-04"
PERSON_WRONG_DOB = "1972-03-01"  # more than a year off every list date


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[tuple[str, Engine]]:
    """An SQLite store with the curated data, the 2024 SDN list and the 1260H list."""
    url = f"sqlite:///{tmp_path_factory.mktemp('wire') / 'wire.db'}"
    engine = make_engine(url)
    migrate(engine)
    for path in (
        CURATED_DIR,
        shared_data / "ofac_sdn_2024" / "sdn.csv",
        shared_data / "dod_1260h" / "1260h.csv",
    ):
        with session_scope(engine) as session:
            load_path(session, path)
    yield url, engine
    engine.dispose()


@pytest.fixture(scope="module")
def server(store: tuple[str, Engine]) -> Iterator[tuple[str, str]]:
    """The app on a real uvicorn server; web pages need no key from this machine."""
    _url, engine = store
    with session_scope(engine) as session:
        key = create_key(session, Role.SCREENER, "wire-test")
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADESCREEN_LOCAL_AUTH", "1")
    with live_server(engine) as base:
        yield base, key
    mp.undo()


@pytest.fixture
def cli_db(store: tuple[str, Engine], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("TRADESCREEN_DB", store[0])
    return store[0]


def _cli_json(*args: str) -> dict[str, Any]:
    result = runner.invoke(app, ["screen", *args, "--json"])
    assert result.exit_code == 0, result.output
    answer: dict[str, Any] = json.loads(result.output)
    return answer


def _api(base: str, key: str, path: str, **params: object) -> httpx.Response:
    return httpx.get(base + path, params=params, headers={"X-API-Key": key}, timeout=60)  # type: ignore[arg-type]


def _top(answer: dict[str, Any]) -> dict[str, Any]:
    assert answer["results"], answer
    top: dict[str, Any] = answer["results"][0]
    return top


# --- the service itself -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("party", "field", "words"),
    [
        (Party(name=""), "name", "empty"),
        (Party(name=" ?!-- "), "name", "no letters"),
        (Party(name="Co., Ltd."), "name", "legal form"),
        (Party(name="Dr."), "name", "title"),
        (Party(name="Mamoun Darkazanli", dob="04 Aug 1958"), "dob", "YYYY-MM-DD"),
        (Party(name="Mamoun Darkazanli", dob="1958-13-01"), "dob", "YYYY-MM-DD"),
        (Party(name="Mamoun Darkazanli", nationality="Syria"), "nationality", "two-letter"),
    ],
)
def test_check_party_names_the_field(party: Party, field: str, words: str) -> None:
    with pytest.raises(InputError) as info:
        check_party(party, prefix="parties.0.")
    assert info.value.field == f"parties.0.{field}"
    assert words in info.value.problem


def test_service_records_the_attributes_asked(store: tuple[str, Engine]) -> None:
    _url, engine = store
    with session_scope(engine) as session:
        answer = screen_party(
            session, Party(name=PERSON, dob=PERSON_DOB, nationality="de"), actor="test", record=False
        )
    assert answer.query.dob == PERSON_DOB and answer.query.nationality == "DE"
    top = answer.results[0]
    assert top.entity.name == PERSON and top.hit
    assert top.features["dob"].score == 1.0 and "agrees" in top.features["dob"].detail


# --- CLI ----------------------------------------------------------------------------------


def test_cli_conflicting_dob_demotes_an_exact_name(cli_db: str) -> None:
    plain = _top(_cli_json(PERSON, "--type", "individual"))
    assert plain["entity"]["name"] == PERSON and plain["score"] >= DEFAULT_THRESHOLD and plain["hit"]
    # the features object carries the matcher's per-feature data, {score, detail}
    assert {"score", "detail"} <= set(plain["features"]["token"])
    agreeing = _top(_cli_json(PERSON, "--type", "individual", "--dob", PERSON_DOB))
    assert agreeing["score"] >= plain["score"]
    assert "agrees" in agreeing["features"]["dob"]["detail"]
    conflicting = _cli_json(PERSON, "--type", "individual", "--dob", PERSON_WRONG_DOB)
    assert conflicting["query"]["dob"] == PERSON_WRONG_DOB
    # below the threshold, so not a result at all: the conflict is what kept it out
    assert all(r["entity"]["name"] != PERSON for r in conflicting["results"])
    shown = _top(_cli_json(PERSON, "--type", "individual", "--dob", PERSON_WRONG_DOB, "--threshold", "0.3"))
    assert shown["entity"]["name"] == PERSON and shown["score"] < DEFAULT_THRESHOLD
    assert shown["features"]["dob"]["score"] == 0.0 and "differs" in shown["features"]["dob"]["detail"]
    assert "differs" in shown["explanation"]


def test_cli_table_says_why_a_dob_conflicts(cli_db: str) -> None:
    result = runner.invoke(
        app, ["screen", PERSON, "--dob", PERSON_WRONG_DOB, "--threshold", "0.3", "--top", "1"]
    )
    assert result.exit_code == 0, result.output
    assert "differs" in result.output


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Vladimir Putin", "PUTIN, Vladimir Vladimirovich"),
        ("Hezbollah", "HIZBALLAH"),
        ("中芯国际", "Semiconductor Manufacturing International Corporation"),
    ],
)
def test_cli_finds_the_issue_examples(cli_db: str, query: str, expected: str) -> None:
    answer = _cli_json(query)
    names = [r["entity"]["name"] for r in answer["results"] if r["hit"]]
    assert any(expected.lower() in n.lower() for n in names), names


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["", "--json"], "NAME"),
        (["...", "--json"], "NAME"),
        (["LLC"], "NAME"),
        (["Sheikh"], "NAME"),
        ([PERSON, "--dob", "04/08/1958"], "--dob"),
        ([PERSON, "--dob", "1958-02-30"], "--dob"),
        ([PERSON, "--nationality", "Syria"], "--nationality"),
    ],
)
def test_cli_bad_party_exit_2_names_the_field(cli_db: str, args: list[str], field: str) -> None:
    result = runner.invoke(app, ["screen", *args])
    assert result.exit_code == 2, result.output
    assert f"'{field}'" in result.output


def test_cli_screen_file_passes_attributes_and_names_bad_rows(cli_db: str, tmp_path: Path) -> None:
    good = tmp_path / "people.csv"
    good.write_text(
        "id,name,type,dob,nationality\n"
        f'p1,"{PERSON}",individual,{PERSON_WRONG_DOB},\n'
        f'p2,"{PERSON}",individual,,\n'
        f'p3,"{PERSON}",individual,{PERSON_DOB},DE\n',
        encoding="utf-8",
    )
    out = tmp_path / "hits.csv"
    result = runner.invoke(app, ["screen-file", str(good), "--out", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    hit_ids = {r["id"] for r in rows if PERSON in r["list_name"]}
    assert hit_ids == {"p2", "p3"}
    (p3,) = [r for r in rows if r["id"] == "p3" and PERSON in r["list_name"]]
    assert "agrees" in p3["explanation"]

    for text, line, field in (
        (f'id,name,dob\nq1,"{PERSON}",1958\nq2,"{PERSON}",1958-8-4\n', 3, "dob"),
        ("id,name\nq1,Huawei\nq2,GmbH\n", 3, "name"),
        ("id,name\nq1,Huawei\nq2,  !!  \n", 3, "name"),
    ):
        bad = tmp_path / "bad.csv"
        bad.write_text(text, encoding="utf-8")
        result = runner.invoke(app, ["screen-file", str(bad), "--out", str(tmp_path / "x.csv")])
        assert result.exit_code == 2, result.output
        assert f"bad.csv:{line}" in result.output and f"'{field}'" in result.output


def test_cli_compare_json_carries_features(cli_db: str) -> None:
    result = runner.invoke(app, ["compare", "Vladimir Putin", "PUTIN, Vladimir Vladimirovich", "--json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.output)
    assert answer["score"] >= DEFAULT_THRESHOLD
    assert answer["features"]
    for feature in answer["features"].values():
        assert isinstance(feature["score"], float | int) and isinstance(feature["detail"], str)


# --- API ----------------------------------------------------------------------------------


def test_api_search_person_attributes(server: tuple[str, str]) -> None:
    base, key = server
    plain = _api(base, key, "/api/v1/search", name=PERSON)
    assert plain.status_code == 200, plain.text
    assert _top(plain.json())["entity"]["name"] == PERSON and plain.json()["hit"]
    agreeing = _api(base, key, "/api/v1/search", name=PERSON, dob="1958", nationality="de", id_number="X1")
    assert agreeing.status_code == 200, agreeing.text
    query = agreeing.json()["query"]
    assert (query["dob"], query["nationality"], query["id_number"]) == ("1958", "DE", "X1")
    assert "agrees" in _top(agreeing.json())["features"]["dob"]["detail"]
    conflicting = _api(base, key, "/api/v1/search", name=PERSON, dob=PERSON_WRONG_DOB)
    assert conflicting.status_code == 200, conflicting.text
    assert all(r["entity"]["name"] != PERSON for r in conflicting.json()["results"])


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Vladimir Putin", "PUTIN, Vladimir Vladimirovich"),
        ("Hezbollah", "HIZBALLAH"),
        ("中芯国际", "Semiconductor Manufacturing International Corporation"),
    ],
)
def test_api_finds_the_issue_examples(server: tuple[str, str], query: str, expected: str) -> None:
    base, key = server
    response = _api(base, key, "/api/v1/search", name=query)
    assert response.status_code == 200, response.text
    hits = [r for r in response.json()["results"] if r["hit"]]
    assert any(expected.lower() in r["entity"]["name"].lower() for r in hits), hits
    # every result explains itself feature by feature
    assert all(r["features"] and {"score", "detail"} <= set(next(iter(r["features"].values()))) for r in hits)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"name": "..."}, "name"),
        ({"name": "Ltd"}, "name"),
        ({"name": "President"}, "name"),
        ({"name": PERSON, "dob": "04-08-1958"}, "dob"),
        ({"name": PERSON, "nationality": "1X"}, "nationality"),
    ],
)
def test_api_search_bad_party_422(server: tuple[str, str], params: dict[str, str], field: str) -> None:
    base, key = server
    response = _api(base, key, "/api/v1/search", **params)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["field"] == field, response.json()


def test_api_screen_party_fields(server: tuple[str, str]) -> None:
    base, key = server
    body = {
        "parties": [
            {"id": "a", "name": PERSON, "type": "individual"},
            {"id": "b", "name": PERSON, "type": "individual", "dob": PERSON_WRONG_DOB},
            {"id": "c", "name": PERSON, "dob": PERSON_DOB, "nationality": "DE", "id_number": "1310636262"},
        ]
    }
    response = httpx.post(base + "/api/v1/screen", json=body, headers={"X-API-Key": key}, timeout=60)
    assert response.status_code == 200, response.text
    a, b, c = response.json()["results"]
    assert a["hit"] and _top(a)["entity"]["name"] == PERSON
    assert all(r["entity"]["name"] != PERSON for r in b["results"])
    assert c["query"]["dob"] == PERSON_DOB and c["hit"]
    assert "agrees" in _top(c)["features"]["dob"]["detail"]

    for party, field in (
        ({"id": "x", "name": PERSON, "dob": "Aug 1958"}, "parties.1.dob"),
        ({"id": "x", "name": "GmbH"}, "parties.1.name"),
        ({"id": "x", "name": "- - -"}, "parties.1.name"),
    ):
        bad = {"parties": [{"id": "ok", "name": "Huawei"}, party]}
        response = httpx.post(base + "/api/v1/screen", json=bad, headers={"X-API-Key": key}, timeout=60)
        assert response.status_code == 422, response.text
        assert response.json()["error"]["field"] == field, response.json()


# --- web ----------------------------------------------------------------------------------


@pytest.fixture
def page(server: tuple[str, str], browser: object) -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    p = browser.new_page(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    yield p
    p.close()


@pytest.mark.browser
def test_web_search_form_person_attributes_and_why(server: tuple[str, str], page: Any) -> None:
    base, _key = server
    page.goto(base + "/")
    page.get_by_label("Name").fill(PERSON)
    page.get_by_label("Date of birth").fill(PERSON_DOB)
    page.get_by_label("Nationality (ISO)").fill("DE")
    page.get_by_role("button", name="Screen").click()
    page.wait_for_selector("ol.hits li")
    first = page.locator("ol.hits > li").first
    assert PERSON in first.inner_text()
    why = first.locator("details.features")
    why.locator("summary").click()
    assert "agrees" in why.locator("tr.feature-dob").inner_text()
    assert page.get_by_label("Date of birth").input_value() == PERSON_DOB

    page.get_by_label("Date of birth").fill(PERSON_WRONG_DOB)
    page.get_by_role("button", name="Screen").click()
    page.wait_for_load_state()
    assert page.get_by_label("Date of birth").input_value() == PERSON_WRONG_DOB
    assert PERSON not in page.inner_text("ol.hits")


@pytest.mark.browser
@pytest.mark.parametrize(
    ("query", "words"),
    [
        ("name=...", "no letters"),
        ("name=Co.%2C+Ltd.", "legal form"),
        ("name=Sheikh", "title"),
        (f"name={PERSON}&dob=1958-02-30", "date of birth"),
    ],
)
def test_web_bad_party_shows_the_message(server: tuple[str, str], page: Any, query: str, words: str) -> None:
    base, _key = server
    response = page.goto(base + "/?" + query)
    assert response.status == 422
    assert words in page.locator("p.error").inner_text()


@pytest.mark.browser
def test_web_finds_the_issue_examples(server: tuple[str, str], page: Any) -> None:
    base, _key = server
    page.goto(base + "/?name=Vladimir+Putin")
    assert "PUTIN, Vladimir Vladimirovich" in page.inner_text("ol.hits")


@pytest.mark.browser
def test_web_batch_passes_attributes_and_names_the_bad_row(
    server: tuple[str, str], page: Any, tmp_path: Path
) -> None:
    base, _key = server
    upload = tmp_path / "people.csv"
    upload.write_text(
        f'id,name,type,dob\np1,"{PERSON}",individual,{PERSON_WRONG_DOB}\np2,"{PERSON}",individual,{PERSON_DOB}\n',
        encoding="utf-8",
    )
    page.goto(base + "/batch")
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Screen file").click()
    page.wait_for_selector("#batch-hits", timeout=60_000)
    ids = [row.split("\t")[0] for row in page.locator("table.hits-table tbody tr").all_inner_texts()]
    assert "p2" in ids and "p1" not in ids, ids

    upload.write_text(f'id,name,dob\nq1,"{PERSON}",1958\nq2,"{PERSON}",04.08.1958\n', encoding="utf-8")
    page.goto(base + "/batch")
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Screen file").click()
    page.wait_for_function("document.querySelector('#job-message').textContent.trim() !== ''", timeout=60_000)
    message = page.locator("#job-message").inner_text()
    assert "people.csv:3" in message and "'dob'" in message, message
