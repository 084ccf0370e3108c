"""Determinations, investment bans and ownership on the loaded real lists + curated histories,
on dates just before and after each event."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tradescreen.domain import LicenseDetermination, Verdict
from tradescreen.errors import InputError
from tradescreen.rules.investment import check_security
from tradescreen.rules.licensing import TransactionParty, determine
from tradescreen.rules.parties import PartyResolver

HUAWEI = "Huawei Technologies Co., Ltd."
HONOR = "Honor Device Co., Ltd."


@pytest.fixture(scope="module")
def session(loaded_engine: Engine) -> Iterator[Session]:
    with Session(loaded_engine) as s:
        yield s


@pytest.fixture(scope="module")
def resolver(session: Session) -> PartyResolver:
    return PartyResolver(session)


def _determine(
    session: Session,
    resolver: PartyResolver,
    name: str,
    day: str,
    eccn: str = "EAR99",
    role: str = "end_user",
) -> LicenseDetermination:
    return determine(
        session, [TransactionParty(name, role)], eccn, "CN", dt.date.fromisoformat(day), resolver=resolver
    )


def _rules(result: LicenseDetermination) -> set[str]:
    return {r.rule for r in result.rules}


def test_huawei_entity_list_from_2019_05_16(session: Session, resolver: PartyResolver) -> None:
    before = _determine(session, resolver, HUAWEI, "2019-05-15")
    on = _determine(session, resolver, HUAWEI, "2019-05-16")
    assert before.verdict is Verdict.NO_LICENSE_REQUIRED and "entity_list" not in _rules(before)
    assert on.verdict is Verdict.LICENSE_REQUIRED
    [el] = [r for r in on.rules if r.rule == "entity_list"]
    assert "84 FR 22961" in el.citation and el.review_policy and not el.license_exceptions_available
    assert any("BIS license" in s for s in on.next_steps)


def test_huawei_temporary_general_license_window(session: Session, resolver: PartyResolver) -> None:
    # "ended 2020-08-13" (85 FR 51596): the history engine reads the end date as the first day
    # without the TGL.
    days = ["2019-05-19", "2019-05-20", "2020-08-12", "2020-08-13"]
    tgl = ["temporary_general_license" in _rules(_determine(session, resolver, HUAWEI, d)) for d in days]
    assert tgl == [False, True, True, False]


def test_huawei_footnote_1_from_2020_05_15(session: Session, resolver: PartyResolver) -> None:
    assert "fdp_footnote_1" not in _rules(_determine(session, resolver, HUAWEI, "2020-05-14", "5A992.c"))
    after = _determine(session, resolver, HUAWEI, "2020-09-01", "5A992.c")
    assert "fdp_footnote_1" in _rules(after)
    assert any("tradescreen fdp" in step for step in after.next_steps)


def test_honor_owned_by_huawei_until_2020_11_17(session: Session, resolver: PartyResolver) -> None:
    owned = _determine(session, resolver, HONOR, "2020-06-01", role="buyer")
    [noted] = [r for r in owned.rules if r.party == HONOR and r.rule.startswith("ownership")]
    assert HUAWEI in noted.summary and "100%" in noted.summary
    # The BIS affiliates rule was not in force in 2020: the link is reported, not applied.
    assert noted.rule == "ownership_noted" and owned.verdict is Verdict.NO_LICENSE_REQUIRED
    assert any("document your review" in step for step in owned.next_steps)
    later = _determine(session, resolver, HONOR, "2021-01-01", role="buyer")
    assert not any(r.rule.startswith("ownership") for r in later.rules)


def test_smic_split_policy_from_2020_12_18(session: Session, resolver: PartyResolver) -> None:
    name = "Semiconductor Manufacturing International Corporation"
    assert _determine(session, resolver, name, "2020-12-17").verdict is Verdict.NO_LICENSE_REQUIRED
    on = _determine(session, resolver, name, "2020-12-18", "3A090")
    [el] = [r for r in on.rules if r.rule == "entity_list"]
    assert on.verdict is Verdict.LICENSE_REQUIRED and el.review_policy
    assert "denial" in el.review_policy.lower() and "case" in el.review_policy.lower()


def test_dji_entity_list_and_cmic(session: Session, resolver: PartyResolver) -> None:
    result = _determine(session, resolver, "SZ DJI Technology Co., Ltd.", "2022-03-01")
    assert {"entity_list", "investment_ban"} <= _rules(result)
    findings = check_security(session, issuer="SZ DJI Technology Co., Ltd.", as_of=dt.date(2022, 2, 13))
    # The curated history and the real OFAC entry (dates from its remarks) must agree.
    cmic = [f for f in findings if f.list.value == "CMIC"]
    assert {f.entity_id.split(":")[0] for f in cmic} == {"curated", "ofac_cons"}
    assert {(f.purchase_prohibited, f.purchase_ban_from) for f in cmic} == {(False, dt.date(2022, 2, 14))}
    later = check_security(session, issuer="SZ DJI Technology Co., Ltd.", as_of=dt.date(2022, 2, 14))
    assert {f.purchase_prohibited for f in later if f.list.value == "CMIC"} == {True}


def test_xiaomi_designated_enjoined_removed(session: Session) -> None:
    def ban(day: str) -> tuple[str, bool]:
        [f] = check_security(session, issuer="Xiaomi Corporation", as_of=dt.date.fromisoformat(day))
        return f.state.value, f.purchase_prohibited

    assert ban("2021-01-13") == ("not_yet_listed", False)
    assert ban("2021-01-14") == ("listed", False)  # purchases banned only 60 days later
    assert ban("2021-03-12") == ("enjoined", False)
    assert ban("2021-06-01") == ("removed", False)


def test_cmic_dates_from_ofac_remarks_by_isin_and_ticker(session: Session) -> None:
    def finding(day: str, **kw: str) -> tuple[bool, bool]:
        [f] = check_security(session, as_of=dt.date.fromisoformat(day), **kw)  # type: ignore[arg-type]
        assert f.entity_id == "ofac_cons:30882"
        return f.purchase_prohibited, f.divestment_sales_allowed

    assert finding("2021-08-01", isin="CNE1000002V2") == (False, True)
    assert finding("2021-08-02", isin="CNE1000002V2") == (True, True)
    assert finding("2022-06-03", ticker="0728 HK") == (True, False)


def test_sdn_blocks_whatever_the_item(session: Session, resolver: PartyResolver) -> None:
    result = _determine(session, resolver, "KIM Jong Un", "2024-01-01")
    assert result.verdict is Verdict.PROHIBITED and "sdn_blocking" in _rules(result)


def test_unlisted_party(session: Session, resolver: PartyResolver) -> None:
    result = _determine(session, resolver, "Bosch Rexroth AG", "2024-01-01", "5A992.c")
    # No party rule; the Country Chart answers for the ECCN (5A992: AT only, no X for CN).
    assert result.verdict is Verdict.NO_LICENSE_REQUIRED and not [r for r in result.rules if r.party]
    assert any(r.rule == "country_chart_clear" and "Country Chart" in r.summary for r in result.rules)


@pytest.mark.parametrize(
    ("eccn", "destination", "role", "field"),
    [
        ("5A99", "CN", "buyer", "eccn"),
        ("EAR99", "XX", "buyer", "destination"),
        ("EAR99", "CN", "shipper", "parties.role"),
    ],
)
def test_bad_input(
    session: Session, resolver: PartyResolver, eccn: str, destination: str, role: str, field: str
) -> None:
    with pytest.raises(InputError) as err:
        determine(session, [TransactionParty(HUAWEI, role)], eccn, destination, resolver=resolver)
    assert err.value.field == field


def test_securities_bad_input(session: Session) -> None:
    with pytest.raises(InputError):
        check_security(session)
    with pytest.raises(InputError) as err:
        check_security(session, isin="CNE1")
    assert err.value.field == "isin"
