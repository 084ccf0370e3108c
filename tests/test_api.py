"""The REST API through HTTP on a real uvicorn server, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, select

from tests.live_server import live_server
from tradescreen.config import CURATED_DIR
from tradescreen.services.auth import Role, create_key
from tradescreen.store.api_tables import RequestLogRow
from tradescreen.store.db import session_scope
from tradescreen.store.load import load_path


@pytest.fixture
def api(engine: Engine, shared_data: Path) -> Iterator[tuple[str, dict[str, str], Engine]]:
    with session_scope(engine) as s:
        load_path(s, CURATED_DIR)
        load_path(s, shared_data / "csl_sample" / "csl.csv")
        keys = {role.name.lower(): create_key(s, role, role.name.lower()) for role in Role}
    with live_server(engine) as base:
        yield base, keys, engine


def _get(base: str, path: str, key: str | None = None, **params: object) -> httpx.Response:
    headers = {"X-API-Key": key} if key else {}
    return httpx.get(base + path, params=params, headers=headers, timeout=30)  # type: ignore[arg-type]


def test_auth_and_roles(api: tuple[str, dict[str, str], Engine]) -> None:
    base, keys, _ = api
    assert _get(base, "/api/v1/lists").status_code == 401
    assert _get(base, "/api/v1/lists", "ts_wrong").status_code == 401
    assert _get(base, "/api/v1/lists", keys["viewer"]).status_code == 200
    body = {"parties": [{"id": "1", "name": "Huawei Technologies"}]}
    assert (
        httpx.post(base + "/api/v1/screen", json=body, headers={"X-API-Key": keys["viewer"]}).status_code
        == 403
    )
    ok = httpx.post(
        base + "/api/v1/screen", json=body, headers={"Authorization": f"Bearer {keys['screener']}"}
    )
    assert ok.status_code == 200
    first = ok.json()["results"][0]["results"][0]
    assert "Huawei Technologies Co., Ltd." in {m["name"] for m in first["memberships"]}


def test_search_lists_entities_diff(api: tuple[str, dict[str, str], Engine]) -> None:
    base, keys, _ = api
    key = keys["viewer"]
    found = _get(base, "/api/v1/search", key, name="华为技术有限公司", limit=3).json()
    assert found["results"] and any(
        m["entry_id"].startswith("curated:huawei") for m in found["results"][0]["memberships"]
    )
    assert "pinyin" in found["results"][0]["explanation"]
    assert found["lists"] and found["as_of"] and found["hit"] is True
    before = _get(base, "/api/v1/search", key, name="Xiaomi Corporation", as_of="2020-06-01").json()
    during = _get(base, "/api/v1/search", key, name="Xiaomi Corporation", as_of="2021-02-01").json()
    assert not before["results"] and during["results"]
    only_el = _get(base, "/api/v1/search", key, name="Huawei Technologies", sources="EL").json()
    assert {m["list"] for r in only_el["results"] for m in r["memberships"]} == {"EL"}
    versions = _get(base, "/api/v1/lists", key).json()
    assert {v["feed"] for v in versions} == {"curated", "csl"}
    entity = _get(base, "/api/v1/entities/curated:huawei:EL", key, as_of="2020-06-01").json()
    assert entity["status"][0]["state"] == "listed" and "1" in entity["status"][0]["footnotes"]
    assert entity["history"][0]["citation"] == "84 FR 22961"
    same = versions[0]["id"]
    assert _get(base, "/api/v1/lists/diff", key, **{"from": same, "to": same}).json()["added"] == []


def test_bad_input_names_the_field(api: tuple[str, dict[str, str], Engine]) -> None:
    base, keys, engine = api
    headers = {"X-API-Key": keys["screener"]}
    missing = httpx.post(base + "/api/v1/screen", json={"parties": [{"id": "1"}]}, headers=headers)
    assert missing.status_code == 422 and missing.json()["error"]["field"] == "parties.0.name"
    wrong = httpx.post(base + "/api/v1/screen", json={"parties": "x"}, headers=headers)
    assert wrong.status_code == 422 and wrong.json()["error"]["field"] == "parties"
    too_many = {"parties": [{"id": str(i), "name": "x"} for i in range(1001)]}
    over = httpx.post(base + "/api/v1/screen", json=too_many, headers=headers)
    assert over.status_code == 422 and over.json()["error"]["field"] == "parties"
    dup = {"parties": [{"id": "1", "name": "a"}, {"id": "1", "name": "b"}]}
    assert (
        httpx.post(base + "/api/v1/screen", json=dup, headers=headers).json()["error"]["field"]
        == "parties.id"
    )
    huge = httpx.post(
        base + "/api/v1/screen",
        content=b"x" * (3 * 1024 * 1024),
        headers={**headers, "content-type": "application/json"},
    )
    assert huge.status_code == 413
    not_json = httpx.post(
        base + "/api/v1/screen", content=b"{", headers={**headers, "content-type": "application/json"}
    )
    assert not_json.status_code == 422
    assert _get(base, "/api/v1/entities/none:1", keys["viewer"]).status_code == 404
    assert _get(base, "/api/v1/lists/diff", keys["viewer"], **{"from": 1, "to": 999}).status_code == 404
    bad_source = _get(base, "/api/v1/search", keys["viewer"], name="x", sources="NOPE")
    assert bad_source.status_code == 422 and bad_source.json()["error"]["field"] == "sources"
    bad_date = _get(base, "/api/v1/search", keys["viewer"], name="x", as_of="2021-13-01")
    assert bad_date.json()["error"]["field"] == "as_of"
    # every request is recorded, with who asked and what came back
    with session_scope(engine) as s:
        logged = list(s.scalars(select(RequestLogRow)))
    assert any(r.status == 422 and r.actor == "key:screener" for r in logged)


def test_request_log_records_screenings(api: tuple[str, dict[str, str], Engine]) -> None:
    base, keys, engine = api
    _get(base, "/api/v1/search", keys["viewer"], name="Hikvision")
    with session_scope(engine) as s:
        row = s.scalars(select(RequestLogRow).where(RequestLogRow.path.like("%search%"))).first()
        assert row is not None
        assert row.actor == "key:viewer" and row.detail["names"] == ["Hikvision"] and row.detail["hits"]


def test_openapi_and_docs(api: tuple[str, dict[str, str], Engine]) -> None:
    base, _keys, _ = api
    spec = httpx.get(base + "/openapi.json").json()
    assert "/api/v1/search" in spec["paths"] and "/api/v1/screen" in spec["paths"]
    assert httpx.get(base + "/docs").status_code == 200
