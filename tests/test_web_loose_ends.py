"""Loose ends of the web UI, in headless Debian Chromium: /docs offline, 390 px screens,
the lists chart, the ERC level names."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote, urlparse

import pytest
from sqlalchemy import Engine

from tests.conftest import CHROMIUM
from tests.live_server import live_server
from tradescreen import erc
from tradescreen.config import CURATED_DIR
from tradescreen.store.db import make_engine, migrate, session_scope
from tradescreen.store.load import load_path

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('ends') / 'ends.db'}")
    migrate(engine)
    with session_scope(engine) as s:
        load_path(s, CURATED_DIR)
        load_path(s, shared_data / "ofac_cons" / "cons_prim.csv")
        load_path(s, shared_data / "un_consolidated.xml")
        case = erc.propose(
            s,
            action="add",
            party="Honor Device Co., Ltd.",
            country="CN",
            by="Defense",
            on=dt.date(2021, 6, 1),
        )
        day = dt.date(2021, 6, 2)
        # tied at every level: the case climbs to the President
        for _level in ("ERC", "ACEP", "EARB"):
            for agency, yes in (("Defense", True), ("Energy", True), ("Commerce", False), ("State", False)):
                erc.vote(s, case.id, agency=agency, yes=yes, rationale="", on=day)
            erc.decide(s, case.id, on=day)
            day += dt.timedelta(days=1)
            erc.escalate(s, case.id, by="Defense", reason="deadlock", on=day)
            day += dt.timedelta(days=1)
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADESCREEN_LOCAL_AUTH", "1")
    with live_server(engine) as base:
        yield base
    mp.undo()


def _offline_page(browser: object, site: str, width: int = 1100) -> tuple[object, list[str]]:
    """A page that can reach nothing but the test server; returns it and the blocked URLs."""
    page = browser.new_page(viewport={"width": width, "height": 900})  # type: ignore[attr-defined]
    blocked: list[str] = []
    own = urlparse(site).netloc

    def route(r: object) -> None:
        url = r.request.url  # type: ignore[attr-defined]
        if urlparse(url).netloc == own:
            r.continue_()  # type: ignore[attr-defined]
        else:
            blocked.append(url)
            r.abort()  # type: ignore[attr-defined]

    page.route("**/*", route)  # type: ignore[attr-defined]
    return page, blocked


def test_docs_render_without_internet(site: str, browser: object) -> None:
    page, blocked = _offline_page(browser, site)
    page.goto(site + "/docs")  # type: ignore[attr-defined]
    page.wait_for_selector(".opblock", timeout=30_000)  # type: ignore[attr-defined]
    operations = page.locator(".opblock-summary-path").all_text_contents()  # type: ignore[attr-defined]
    assert "/api/v1/screen" in " ".join(operations) or len(operations) >= 5
    assert blocked == []  # nothing was even asked of another host
    page.close()  # type: ignore[attr-defined]


def test_redoc_renders_without_internet(site: str, browser: object) -> None:
    page, blocked = _offline_page(browser, site)
    page.goto(site + "/redoc")  # type: ignore[attr-defined]
    page.wait_for_selector("h1", timeout=30_000)  # type: ignore[attr-defined]
    assert "tradescreen" in page.inner_text("body")  # type: ignore[attr-defined]
    # ReDoc's own "powered by" logo is the one thing it fetches from its CDN: cosmetic.
    assert [u for u in blocked if not u.endswith("logo-mini.svg")] == []
    page.close()  # type: ignore[attr-defined]


def _entity_url(browser: object, site: str) -> str:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(site + "/?name=Huawei+Technologies")
    href = page.locator("a.entity-link").first.get_attribute("href")
    page.close()
    assert href
    return str(href)


@pytest.mark.parametrize("which", ["determine", "erc case", "entity", "un entity", "lists"])
def test_no_horizontal_scroll_at_390px(site: str, browser: object, which: str) -> None:
    parties = quote("end_user=Huawei Technologies Co., Ltd.\nconsignee=SZ DJI Technology Co., Ltd.")
    url = {
        "determine": f"/determine?parties={parties}&eccn=5A992.c&destination=CN",
        "erc case": "/erc/1",
        "lists": "/lists",
    }.get(which)
    if which == "entity":
        url = _entity_url(browser, site)
    elif which == "un entity":
        url = "/entities/un_sc:6908048"  # SADDAM HUSSEIN AL-TIKRITI, with an Arabic-script name
    page = browser.new_page(viewport={"width": 390, "height": 844})  # type: ignore[attr-defined]
    response = page.goto(site + str(url))
    assert response.status == 200
    if which == "determine":
        assert page.locator("table").count() >= 1  # the rules table is there, and wide
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.close()


def test_erc_case_before_the_president(site: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(site + "/erc/1")
    text = page.inner_text("main")
    assert "before the President" in text
    assert "the The" not in text
    page.close()


def test_lists_chart_axes_and_publication_dates(site: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(site + "/lists")
    labels = page.locator("svg.growth text.axis-label").all_text_contents()
    assert any("publication date" in t for t in labels) and "entries" in labels
    # the UN version is placed at the list's own date (2026-02-27), not at today's load
    titles = page.locator("svg.growth circle title").all_text_contents()
    un = [t for t in titles if t.startswith("un_sc:")]
    assert un and "published 2026-02-27" in un[0]
    ofac = [t for t in titles if t.startswith("ofac_cons:")]
    assert ofac and "no publication date" in ofac[0]
    page.close()
