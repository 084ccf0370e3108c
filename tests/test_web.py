"""The web UI in headless Debian Chromium (never a downloaded browser)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import CHROMIUM
from tests.live_server import live_server
from tradescreen.config import CURATED_DIR
from tradescreen.store.db import make_engine, migrate, session_scope
from tradescreen.store.load import load_path

# Screenshots for the README are refreshed with TRADESCREEN_SCREENSHOTS=docs/screenshots;
# otherwise they go to a temporary folder so that a test run leaves the tree clean.
SHOTS = (
    Path(os.environ["TRADESCREEN_SCREENSHOTS"])
    if os.environ.get("TRADESCREEN_SCREENSHOTS")
    else Path(tempfile.gettempdir()) / "tradescreen-screenshots"
)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('web') / 'web.db'}")
    migrate(engine)
    with session_scope(engine) as s:
        load_path(s, CURATED_DIR)
        load_path(s, shared_data / "ofac_cons" / "cons_prim.csv")
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADESCREEN_LOCAL_AUTH", "1")
    with live_server(engine) as base:
        yield base
    mp.undo()


def test_search_entity_timeline(site: str, browser: object, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    page.goto(site + "/")
    page.get_by_label("Name").fill("Huawei")
    page.get_by_role("button", name="Screen").click()
    page.wait_for_selector("ol.hits li")
    assert "Huawei Technologies Co., Ltd." in page.inner_text("ol.hits")
    assert "Presumption of denial" in page.inner_text("ol.hits")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "search.png"))
    # one result per entity: its Entity List membership links to that entry's own page
    page.locator("a.entity-link[href='/entities/curated:huawei:EL']").first.click()
    page.wait_for_selector("svg.timeline")
    assert page.locator("svg.timeline circle").count() >= 3
    assert "84 FR 22961" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "entity.png"), full_page=True)
    page.close()


def test_phone_sized_screen(site: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    page.goto(site + "/?name=Xiaomi+Corporation&as_of=2021-02-01")
    assert page.locator("ol.hits li").count() >= 1
    # nothing wider than the screen: no horizontal scrolling of the page
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    page.close()


def test_batch_upload_and_download(site: str, browser: object, tmp_path: Path) -> None:
    upload = tmp_path / "customers.csv"
    upload.write_text(
        "id,name,country\nc1,SZ DJI Technology Co Ltd,CN\nc2,Neighbourhood Bakery,US\n", encoding="utf-8"
    )
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(site + "/batch")
    page.get_by_label("CSV file").set_input_files(str(upload))
    page.get_by_role("button", name="Screen file").click()
    page.wait_for_selector("#download:not([hidden])", timeout=30_000)
    with page.expect_download() as info:
        page.click("#download")
    saved = tmp_path / "hits.csv"
    info.value.save_as(str(saved))
    lines = saved.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("id,name,rank,score,entity_id")
    assert any(line.startswith("c1,") for line in lines[1:])
    assert not any(line.startswith("c2,") for line in lines[1:])
    page.screenshot(path=str(SHOTS / "batch.png"))
    page.close()


def test_lists_page_chart(site: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(site + "/lists")
    assert page.locator("svg.growth polyline").count() >= 2
    assert "ofac_cons" in page.inner_text("main")
    page.screenshot(path=str(SHOTS / "lists.png"), full_page=True)
    page.close()
