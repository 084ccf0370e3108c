"""Workflow pages in headless Debian Chromium: the review queue (bulk clear with the
keyboard-reachable form) and an ERC case page with its timeline and draft notice."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tests.conftest import CHROMIUM
from tests.live_server import live_server
from tests.test_web import SHOTS
from tradescreen import erc, review
from tradescreen.config import CURATED_DIR
from tradescreen.domain import Party, ScreeningResult
from tradescreen.services.screeners import screener_for
from tradescreen.store.db import make_engine, migrate, session_scope
from tradescreen.store.load import load_path

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed (make test installs it)")
    engine: Engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('wf') / 'wf.db'}")
    migrate(engine)
    with session_scope(engine) as s:
        load_path(s, CURATED_DIR)
        for name in ("Huawei Technologies Co Ltd", "Hikvision"):
            party = Party(name, id=name[:3])
            hits = tuple(screener_for(s).screener.screen(party))
            review.record_screening(s, ScreeningResult(party, hits), actor="tester")
        case = erc.propose(
            s,
            action="add",
            party="Honor Device Co., Ltd.",
            country="CN",
            by="Defense",
            on=dt.date(2021, 6, 1),
            aliases=["Honor"],
        )
        for agency, yes in (("Defense", True), ("Energy", True), ("Commerce", False), ("State", False)):
            erc.vote(s, case.id, agency=agency, yes=yes, rationale="", on=dt.date(2021, 6, 2))
        erc.decide(s, case.id, on=dt.date(2021, 6, 3))
        erc.escalate(s, case.id, by="Defense", reason="deadlock", on=dt.date(2021, 6, 4))
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADESCREEN_LOCAL_AUTH", "1")
    with live_server(engine) as base:
        yield base
    mp.undo()


def test_review_queue_bulk_clear(site: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(site + "/review")
    boxes = page.locator("input[name=alert_ids]")
    before = boxes.count()
    assert before >= 2
    boxes.nth(0).focus()
    page.keyboard.press("Space")  # keyboard selection
    page.get_by_label("Reason (required)").fill("different company")
    page.get_by_role("button", name="Apply to selected").click()
    page.wait_for_url("**/review?message=*")
    assert "1 alert(s): clear" in page.inner_text("main")
    assert page.locator("input[name=alert_ids]").count() == before - 1
    page.goto(site + "/review?state=cleared")
    assert page.locator("input[name=alert_ids]").count() == 1
    page.close()


def test_erc_case_page(site: str, browser: object) -> None:
    page = browser.new_page(viewport={"width": 1100, "height": 900})  # type: ignore[attr-defined]
    page.goto(site + "/erc")
    page.get_by_role("link", name="1").click()
    page.wait_for_selector("svg.timeline")
    text = page.inner_text("main")
    assert "escalated from ERC to ACEP" in text and "Supplement No. 4 to Part 744" in text
    assert "majority (ERC): 2-2 tie" in text
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "erc-case.png"), full_page=True)
    page.close()


def test_erc_steps_from_the_case_page(site: str, browser: object) -> None:
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(site + "/erc/1")
    page.get_by_label("Step", exact=True).select_option("vote")
    page.get_by_label("Agency", exact=True).select_option("Defense")
    page.get_by_label("Date", exact=True).fill("2021-06-05")
    page.get_by_label("Rationale / reason").fill("for, at the ACEP")
    page.get_by_role("button", name="Record").click()
    page.wait_for_url("**/erc/1?message=*")
    assert "vote recorded" in page.inner_text("main") and "for, at the ACEP" in page.inner_text("main")
    page.get_by_label("Step", exact=True).select_option("vote")
    page.get_by_label("Agency", exact=True).select_option("Defense")
    page.get_by_label("Date", exact=True).fill("2021-06-05")
    page.get_by_role("button", name="Record").click()
    page.wait_for_url("**/erc/1?message=*")
    assert "refused" in page.inner_text("main") and "already voted" in page.inner_text("main")
    page.close()
