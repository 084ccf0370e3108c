"""Determination endpoints through HTTP on a real uvicorn server, and the web form."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine

from tests.live_server import live_server
from tradescreen.config import CURATED_DIR
from tradescreen.services.auth import Role, create_key
from tradescreen.store.db import session_scope
from tradescreen.store.load import load_path


@pytest.fixture
def api(engine: Engine, shared_data: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with session_scope(engine) as s:
        load_path(s, CURATED_DIR)
        load_path(s, shared_data / "csl_sample" / "csl.csv")
        keys = {role.name.lower(): create_key(s, role, role.name.lower()) for role in Role}
    with live_server(engine) as base:
        yield base, keys


def test_determination_endpoints(api: tuple[str, dict[str, str]]) -> None:
    base, keys = api
    body = {
        "parties": [{"name": "Huawei Technologies Co., Ltd.", "role": "end_user"}],
        "eccn": "EAR99",
        "destination": "CN",
        "as_of": "2020-09-01",
    }
    url = base + "/api/v1/determinations"
    assert httpx.post(url, json=body, headers={"X-API-Key": keys["viewer"]}).status_code == 403
    ok = httpx.post(url, json=body, headers={"X-API-Key": keys["screener"]}, timeout=60)
    assert ok.status_code == 200, ok.text
    data = ok.json()
    assert data["verdict"] == "license_required"
    assert {"entity_list", "fdp_footnote_1"} <= {r["rule"] for r in data["rules"]}
    early = httpx.post(
        url, json={**body, "as_of": "2019-05-15"}, headers={"X-API-Key": keys["screener"]}, timeout=60
    )
    assert early.json()["verdict"] == "no_license_required"

    bad = httpx.post(url, json={**body, "eccn": "5A9"}, headers={"X-API-Key": keys["screener"]})
    assert bad.status_code == 422 and bad.json()["error"]["field"] == "eccn"

    key = {"X-API-Key": keys["viewer"]}
    dm = httpx.post(
        url + "/de-minimis",
        json={"controlled_us_content": 11, "price": 100, "destination": "KP"},
        headers=key,
    )
    assert dm.status_code == 200 and dm.json()["subject_to_ear"] is True and dm.json()["threshold"] == 10
    over = httpx.post(
        url + "/de-minimis",
        json={"controlled_us_content": 200, "price": 100, "destination": "CN"},
        headers=key,
    )
    assert over.status_code == 422 and over.json()["error"]["field"] == "controlled_us_content"
    fdp = httpx.post(
        url + "/fdp",
        json={
            "as_of": "2020-05-14",
            "direct_product_of_specified_technology": True,
            "footnote1_entity_party_to_transaction": True,
        },
        headers=key,
    )
    assert fdp.status_code == 200 and fdp.json()["subject_to_ear"] is False

    sec = httpx.get(
        base + "/api/v1/securities",
        params={"issuer": "Xiaomi Corporation", "as_of": "2021-03-12"},
        headers=key,
    )
    assert sec.status_code == 200 and [f["state"] for f in sec.json()["findings"]] == ["enjoined"]


def test_determination_web_form(api: tuple[str, dict[str, str]]) -> None:
    base, keys = api
    form = httpx.get(base + "/determine", headers={"X-API-Key": keys["viewer"]})
    assert form.status_code == 200 and 'name="eccn"' in form.text
    params = {
        "parties": "end_user=Huawei Technologies Co., Ltd.\nbuyer=Acme GmbH",
        "eccn": "EAR99",
        "destination": "CN",
        "as_of": "2019-06-01",
    }
    page = httpx.get(base + "/determine", params=params, headers={"X-API-Key": keys["screener"]}, timeout=60)
    assert page.status_code == 200
    assert "LICENSE REQUIRED" in page.text and "temporary_general_license" in page.text
    assert "84 FR 22961" in page.text
    bad = httpx.get(
        base + "/determine", params={**params, "destination": "XX"}, headers={"X-API-Key": keys["screener"]}
    )
    assert bad.status_code == 200 and 'role="alert"' in bad.text and "destination" in bad.text
    denied = httpx.get(base + "/determine", params=params, headers={"X-API-Key": keys["viewer"]})
    assert denied.status_code == 403
