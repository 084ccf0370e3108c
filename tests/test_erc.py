"""The End-User Review Committee workflow: the Honor 2021 case replayed, a unanimous
removal, and every refused action."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine, func, select

from tradescreen import erc
from tradescreen.config import CURATED_DIR
from tradescreen.domain import Party
from tradescreen.history import ListingState, status_report
from tradescreen.services.screeners import screener_for
from tradescreen.store.db import session_scope
from tradescreen.store.erc_tables import ErcStepRow
from tradescreen.store.load import load_path

D = dt.date
HONOR = "Honor Device Co., Ltd."


@pytest.fixture
def store(engine: Engine) -> Engine:
    with session_scope(engine) as s:
        load_path(s, CURATED_DIR)
    return engine


def _split_vote(s: object, case_id: int, on: dt.date) -> None:
    for agency, yes in (("Defense", True), ("Energy", True), ("Commerce", False), ("State", False)):
        erc.vote(s, case_id, agency=agency, yes=yes, rationale=f"{agency} view", on=on)  # type: ignore[arg-type]


def _honor_to_president(store: Engine) -> int:
    with session_scope(store) as s:
        case = erc.propose(
            s,
            action="add",
            party=HONOR,
            country="CN",
            by="Defense",
            on=D(2021, 6, 1),
            aliases=["Honor"],
            addresses=["Shenzhen, Guangdong"],
            reasons="former Huawei unit",
        )
        case_id = case.id
        _split_vote(s, case_id, D(2021, 6, 10))
        assert erc.decide(s, case_id, on=D(2021, 6, 15)) == "deadlock"
        assert erc.escalate(s, case_id, by="Defense", reason="2-2", on=D(2021, 6, 18)) == "ACEP"
        _split_vote(s, case_id, D(2021, 6, 22))
        assert erc.decide(s, case_id, on=D(2021, 6, 25)) == "deadlock"
        assert erc.escalate(s, case_id, by="Energy", reason="still 2-2", on=D(2021, 6, 28)) == "EARB"
        _split_vote(s, case_id, D(2021, 7, 1))
        assert erc.decide(s, case_id, on=D(2021, 7, 5)) == "deadlock"
        assert (
            erc.escalate(s, case_id, by="Commerce", reason="to the President", on=D(2021, 7, 8))
            == "PRESIDENT"
        )
    return case_id


def _honor_listed(store: Engine, on: dt.date) -> bool:
    with session_scope(store) as s:
        hits = screener_for(s).screener.screen(Party(HONOR))
        report = status_report(s, [h.entity_id for h in hits], on)
    return any(st.entity_id.startswith("erc:") and st.restricted for st in report.listings)


def test_honor_listed_by_the_president(store: Engine) -> None:
    case_id = _honor_to_president(store)
    with session_scope(store) as s:
        assert (
            erc.president_decide(
                s,
                case_id,
                approve=True,
                rationale="national security",
                on=D(2021, 7, 12),
                effective=D(2021, 7, 15),
            )
            == "approved"
        )
        steps = erc.history(s, case_id)
    kinds = [step.kind for step in steps]
    assert kinds.count("vote") == 12 and kinds.count("escalation") == 3 and kinds[-1] == "final"
    assert [st.level for st in steps if st.kind == "decision"] == ["ERC", "ACEP", "EARB", "PRESIDENT"]
    # Voting rules above the ERC are unverified, and say so.
    assert all("unverified" in st.why for st in steps if st.kind == "decision" and st.level != "ERC")
    # A decision is not a listing: nothing changes until the rule is published.
    assert not _honor_listed(store, D(2021, 8, 1))
    with session_scope(store) as s:
        erc.publish(s, case_id, fr_cite="86 FR 99999", effective=D(2021, 7, 15), on=D(2021, 7, 14))
        assert erc.history(s, case_id)[-1].kind == "publication"
    assert _honor_listed(store, D(2021, 7, 15))
    assert not _honor_listed(store, D(2021, 7, 14))  # as of before the effective date: not listed


def test_honor_denied_by_the_president(store: Engine) -> None:
    case_id = _honor_to_president(store)
    with session_scope(store) as s:
        assert erc.president_decide(
            s, case_id, approve=False, rationale="not warranted", on=D(2021, 7, 12)
        ) == ("rejected")
    assert not _honor_listed(store, D(2021, 8, 1))
    with session_scope(store) as s, pytest.raises(erc.ERCError, match="finally decided"):
        erc.escalate(s, case_id, by="Defense", reason="again", on=D(2021, 7, 13))


def test_unanimous_removal(store: Engine) -> None:
    with session_scope(store) as s:
        case = erc.propose(
            s,
            action="remove",
            party="Hangzhou Hikvision Digital Technology Co., Ltd.",
            country="CN",
            by="Commerce",
            on=D(2023, 1, 2),
            reasons="removal request (§744.16(e))",
        )
        assert case.target_entity_id == "curated:hikvision:EL"
        for agency in erc.AGENCIES:
            erc.vote(s, case.id, agency=agency, yes=True, rationale="agreed", on=D(2023, 1, 10))
        assert erc.decide(s, case.id, on=D(2023, 1, 12)) == "approved"
        with pytest.raises(erc.ERCError, match="appeal window"):
            erc.finalize(s, case.id, on=D(2023, 1, 15))
        erc.finalize(s, case.id, on=D(2023, 1, 20), effective=D(2023, 1, 25))
        decided = status_report(s, ["curated:hikvision:EL"], D(2023, 2, 1)).listings[0]
        assert decided.state is ListingState.LISTED  # approved, not yet published
        with erc.scenario(s, case.id) as (hypothetical, label):
            what_if = status_report(hypothetical, ["curated:hikvision:EL"], D(2023, 2, 1)).listings[0]
        assert what_if.state is ListingState.REMOVED and "SCENARIO" in label
        assert status_report(s, ["curated:hikvision:EL"], D(2023, 2, 1)).listings[0].state is (
            ListingState.LISTED
        )
        erc.publish(s, case.id, fr_cite="88 FR 12345", effective=D(2023, 1, 25))
        before = status_report(s, ["curated:hikvision:EL"], D(2023, 1, 24)).listings[0]
        after = status_report(s, ["curated:hikvision:EL"], D(2023, 1, 25)).listings[0]
    assert before.state is ListingState.LISTED and after.state is ListingState.REMOVED
    assert any("88 FR 12345" in (e.citation.text if e.citation else "") for e in after.events)


def test_removal_needs_unanimity(store: Engine) -> None:
    with session_scope(store) as s:
        case = erc.propose(
            s,
            action="remove",
            party="SZ DJI Technology Co., Ltd.",
            country="CN",
            by="Commerce",
            on=D(2023, 3, 1),
        )
        for agency in erc.AGENCIES:
            erc.vote(s, case.id, agency=agency, yes=agency != "Defense", rationale="", on=D(2023, 3, 2))
        assert erc.decide(s, case.id, on=D(2023, 3, 3)) == "rejected"


def test_refused_actions(store: Engine) -> None:
    with session_scope(store) as s:
        with pytest.raises(erc.ERCError, match="not on the Entity List"):
            erc.propose(
                s, action="remove", party="Honest Bakery Ltd", country="US", by="Commerce", on=D(2023, 1, 1)
            )
        with pytest.raises(erc.ERCError, match="not a member"):
            erc.propose(s, action="add", party="X Corp", country="CN", by="NASA", on=D(2023, 1, 1))
        case = erc.propose(s, action="add", party="X Corp", country="CN", by="Commerce", on=D(2023, 1, 1))
        with pytest.raises(erc.ERCError, match="not a member"):
            erc.vote(s, case.id, agency="Treasury", yes=True, rationale="", on=D(2023, 1, 2))
        erc.vote(s, case.id, agency="State", yes=True, rationale="", on=D(2023, 1, 2))
        with pytest.raises(erc.ERCError, match="already voted"):
            erc.vote(s, case.id, agency="State", yes=False, rationale="", on=D(2023, 1, 3))
        with pytest.raises(erc.ERCError, match="waiting for votes"):
            erc.decide(s, case.id, on=D(2023, 1, 4))
        for agency in ("Commerce", "Defense", "Energy"):
            erc.vote(s, case.id, agency=agency, yes=True, rationale="", on=D(2023, 1, 5))
        with pytest.raises(erc.ERCError, match="had until"):
            erc.decide(s, case.id, on=D(2023, 3, 1))
        assert erc.decide(s, case.id, on=D(2023, 1, 6)) == "approved"
        with pytest.raises(erc.ERCError, match="appeal window closed"):
            erc.escalate(s, case.id, by="State", reason="late", on=D(2023, 1, 20))
        erc.finalize(s, case.id, on=D(2023, 1, 20))
        with pytest.raises(erc.ERCError, match="finally decided"):
            erc.escalate(s, case.id, by="State", reason="late", on=D(2023, 1, 21))
        with pytest.raises(erc.ERCError, match="no more votes"):
            erc.vote(s, case.id, agency="Energy", yes=True, rationale="", on=D(2023, 1, 21))


def test_history_is_append_only_and_notice(store: Engine) -> None:
    with session_scope(store) as s:
        case = erc.propose(
            s,
            action="add",
            party=HONOR,
            country="CN",
            by="Defense",
            on=D(2021, 6, 1),
            aliases=["Honor"],
            addresses=["Shenzhen"],
        )
        count = s.scalar(select(func.count()).select_from(ErcStepRow))
        erc.vote(s, case.id, agency="Defense", yes=True, rationale="", on=D(2021, 6, 2))
        assert s.scalar(select(func.count()).select_from(ErcStepRow)) == (count or 0) + 1
        text = erc.notice_text(case)
        assert "Supplement No. 4 to Part 744" in text and "a.k.a. Honor" in text and "FR ____" in text
        assert "<table>" in erc.notice_html(case)
