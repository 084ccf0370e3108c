"""The golden table: each rule and each date boundary as a row with the expected verdict and
citation, all run through one decision function (`determine`; under an ERC scenario,
`erc.scenario_determine`, which is `determine` on the scenario's store).

The store is the loaded real lists and curated histories (a copy), plus the smaller US
lists, a test-only Military End-User row, ownership edges and ERC cases made here.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from tradescreen import erc
from tradescreen.domain import LicenseDetermination, Verdict
from tradescreen.errors import InputError
from tradescreen.ownership import import_csv
from tradescreen.rules.direct_product import entity_list_fdp
from tradescreen.rules.licensing import TransactionParty, determine
from tradescreen.store.db import make_engine, session_scope
from tradescreen.store.load import load_path

D = dt.date.fromisoformat
L, N, P = Verdict.LICENSE_REQUIRED, Verdict.NO_LICENSE_REQUIRED, Verdict.PROHIBITED
SDN_NAME = "AEROCARIBBEAN AIRLINES"  # in ofac_sdn/sdn.csv, which gives no listing dates
HUAWEI = "Huawei Technologies Co., Ltd."
AFFILIATE = "Guian New District Huawei Investment Co., Ltd."  # CSL: "..., Guiyang, Guizhou"
CLEAN = "Acme Widgets GmbH"


@dataclass(frozen=True)
class Row:
    """One expected answer: the transaction, the verdict, a rule that must fire (with a piece
    of its citation or summary), rules that must not fire, and whether the verdict is flagged
    as resting on an unverified fact."""

    id: str
    party: str
    eccn: str
    country: str
    day: str
    verdict: Verdict
    rule: str | None = None
    cite: str = ""
    says: str = ""
    absent: tuple[str, ...] = ()
    unverified: bool | None = None
    scenario: str | None = None  # name of an ERC case made by the fixture
    red_flag: str = ""


# fmt: off
ROWS = (
    # 1. Ownership (OFAC 50% rule): a blocked company's holdings count in full.
    Row("ofac-50-chain", "Beta Trading Ltd", "EAR99", "DE", "2024-01-01", P, "ownership_ofac",
        cite="OFAC Revised Guidance"),
    Row("ofac-49-not-blocked", "Delta Trading Ltd", "EAR99", "DE", "2024-01-01", N,
        absent=("ownership_ofac",)),
    # 4. BIS affiliates rule windows.
    Row("affiliates-before", "Gamma Tech Ltd", "EAR99", "CN", "2025-09-28", N, absent=("ownership_bis",)),
    Row("affiliates-in-force", "Gamma Tech Ltd", "EAR99", "CN", "2025-09-29", L, "ownership_bis",
        cite="744.11", unverified=False),
    Row("affiliates-suspended", "Gamma Tech Ltd", "EAR99", "CN", "2026-11-09", N, "ownership_noted",
        says="suspended"),
    Row("affiliates-back-unverified", "Gamma Tech Ltd", "EAR99", "CN", "2026-11-10", L, "ownership_bis",
        cite="744.11", unverified=True),
    Row("affiliates-red-flag", CLEAN, "EAR99", "CN", "2025-10-01", N,
        red_flag="affiliates rule red flag"),
    # 2. ERC: decisions do not change the official lists; publication does.
    Row("erc-escalated-removal-not-official", HUAWEI, "EAR99", "CN", "2021-12-01", L, "entity_list",
        cite="84 FR 22961"),
    Row("erc-removal-scenario", HUAWEI, "EAR99", "CN", "2021-12-01", N, absent=("entity_list",),
        scenario="huawei-removal"),
    Row("erc-published-before", "Zeta Robotics Co., Ltd.", "EAR99", "CN", "2022-02-28", N,
        absent=("entity_list",)),
    Row("erc-published-after", "Zeta Robotics Co., Ltd.", "EAR99", "CN", "2022-03-01", L, "entity_list",
        cite="87 FR 11111"),
    # 3. Investment bans: EO 13959 as amended by EO 13974, then EO 14032.
    Row("eo13959-hikvision-before", "Hangzhou Hikvision Digital Technology Co., Ltd.", "EAR99", "CN",
        "2021-01-10", L, "investment_noted", cite="EO 13959"),
    Row("eo13959-hikvision-from-jan-11", "Hangzhou Hikvision Digital Technology Co., Ltd.", "EAR99", "CN",
        "2021-01-11", L, "investment_ban", cite="EO 13974"),
    Row("eo13959-smic-60-days", "Semiconductor Manufacturing International Corporation", "EAR99", "CN",
        "2021-01-31", L, "investment_noted", cite="EO 13959"),
    Row("eo13959-smic-banned", "Semiconductor Manufacturing International Corporation", "EAR99", "CN",
        "2021-02-01", L, "investment_ban", cite="EO 13959", says="holding"),
    Row("eo14032-regime", "Semiconductor Manufacturing International Corporation", "EAR99", "CN",
        "2021-08-02", L, "investment_ban", cite="EO 14032"),
    Row("luokung-not-yet-due", "Luokung Technology Corp.", "EAR99", "CN", "2021-05-04", N,
        "investment_noted", says="2021-05-08"),
    Row("luokung-enjoined", "Luokung Technology Corp.", "EAR99", "CN", "2021-05-05", N, "enjoined"),
    # 5. Huawei affiliates: one decision, effective date, footnote 1 and the TGL.
    Row("affiliate-before", AFFILIATE, "EAR99", "CN", "2019-05-15", N, absent=("entity_list",)),
    Row("affiliate-effective", AFFILIATE, "EAR99", "CN", "2019-05-16", L, "entity_list",
        cite="84 FR 22961"),
    Row("affiliate-tgl", AFFILIATE, "EAR99", "CN", "2019-05-20", L, "temporary_general_license",
        cite="84 FR 23468", says="5G standards work)"),
    Row("affiliate-tgl-no-5g", AFFILIATE, "EAR99", "CN", "2019-08-20", L, "temporary_general_license",
        says="dropped from 2019-08-19"),
    Row("affiliate-footnote-1", AFFILIATE, "EAR99", "CN", "2020-05-15", L, "fdp_footnote_1",
        cite="734.9(e)(1)"),
    # The CSL row carries its city; the bare name must resolve at the one threshold.
    Row("affiliate-city-suffix", AFFILIATE, "EAR99", "CN", "2019-06-01", L, "entity_list"),
    Row("affiliate-city-suffix-full-name", f"{AFFILIATE}, Guiyang, Guizhou", "EAR99", "CN", "2019-06-01",
        L, "entity_list"),
    # 6. End-user lists: MIEU (§744.22) vs MEU (§744.21).
    Row("mieu-all-items", "Directorate of Military Intelligence", "EAR99", "VE", "2022-01-01", L,
        "military_intelligence_end_user", cite="744.22"),
    Row("meu-ear99-outside", "Test Aviation Works", "EAR99", "CN", "2022-01-01", N,
        "military_end_user_noted", cite="744.21"),
    Row("meu-ccl-item", "Test Aviation Works", "3A991", "CN", "2022-01-01", L, "military_end_user"),
    # 7. Dates and scopes.
    Row("tiktok-not-yet", "ByteDance Ltd.", "EAR99", "CN", "2020-08-10", N, "executive_order",
        says="nothing is prohibited yet"),
    Row("tiktok-identified-only", "ByteDance Ltd.", "EAR99", "CN", "2020-09-21", N, "executive_order",
        says="identified"),
    Row("tiktok-enjoined", "ByteDance Ltd.", "EAR99", "CN", "2020-09-27", N, "enjoined"),
    Row("fdp-may-2020-scope", HUAWEI, "EAR99", "CN", "2020-05-15", L, "fdp_footnote_1",
        cite="85 FR 29849", says="Huawei's own designs"),
    Row("fdp-august-2020-scope", HUAWEI, "EAR99", "CN", "2020-08-17", L, "fdp_footnote_1",
        cite="85 FR 51596", says="incorporated into"),
    Row("ndaa889-before-enactment", "ZTE Corporation", "EAR99", "CN", "2017-06-01", N,
        absent=("ndaa_889", "no_export_license_effect")),
    Row("ndaa889-enacted", "ZTE Corporation", "EAR99", "CN", "2018-08-13", N, "ndaa_889",
        cite="Pub. L. 115-232"),
    Row("fcc-covered", HUAWEI, "EAR99", "CN", "2021-03-12", L, "fcc_covered_list", says="2023-02-06"),
    Row("smic-split-question", "Semiconductor Manufacturing International Corporation", "EAR99", "CN",
        "2020-12-18", L, "split_review_policy", says="10 nanometers"),
    Row("sdn-unknown-date-unverified", SDN_NAME, "EAR99", "DE", "2024-01-01", P, "sdn_blocking",
        unverified=True),
    Row("dod-1260h-bar", "Shenzhen DJI Innovation Technology Co., Ltd.", "EAR99", "CN", "2026-07-01", L,
        "dod_1260h", says="in force", cite="805"),
    # New rule 1: destination controls, for a clean party.
    Row("iran-ear99-clean", CLEAN, "EAR99", "IR", "2024-01-01", L, "destination_control", cite="746.7"),
    Row("cuba-ear99-clean", CLEAN, "EAR99", "CU", "2024-01-01", L, "destination_control", cite="746.2"),
    Row("north-korea-clean", CLEAN, "EAR99", "KP", "2024-01-01", L, "destination_control", cite="746.4"),
    Row("syria-ear-remains", CLEAN, "EAR99", "SY", "2025-07-01", L, "destination_control", cite="746.9"),
    Row("russia-before-746-8", CLEAN, "3A991", "RU", "2022-02-23", N, absent=("destination_control",)),
    Row("russia-746-8", CLEAN, "3A991", "RU", "2022-02-24", L, "destination_control", cite="746.8"),
    Row("ukraine-covered-regions", CLEAN, "EAR99", "UA", "2024-01-01", L, "destination_control",
        cite="746.6"),
    Row("germany-ear99-clean", CLEAN, "EAR99", "DE", "2024-01-01", N, absent=("destination_control",)),
    # New rule 2: the Country Chart.
    Row("chart-5a002-cn", CLEAN, "5A002", "CN", "2024-01-01", L, "country_chart", cite="Part 738",
        says="740.17", unverified=True),
    # Next to the verdict: unverified only when every rule producing it is.
    Row("verified-when-el-decides", HUAWEI, "5A002", "CN", "2024-01-01", L, "entity_list",
        unverified=False),
    Row("chart-5a992-cn", CLEAN, "5A992", "CN", "2024-01-01", N, "country_chart_clear"),
    Row("chart-5a992-ir", CLEAN, "5A992", "IR", "2024-01-01", L, "country_chart", says="AT"),
    Row("chart-3a001-gb", CLEAN, "3A001", "GB", "2024-01-01", L, "country_chart", says="NS (NS1)"),
    Row("chart-4a003-ca", CLEAN, "4A003", "CA", "2024-01-01", N, "country_chart_clear"),
    # New rule 4: other FDP rules named as out of scope.
    Row("fdp-others-named", CLEAN, "3A001", "CN", "2024-01-01", L, "fdp_out_of_scope",
        says="734.9(e)(2)"),
)
# fmt: on


def _copy_loaded(loaded_db_url: str, target: Path) -> str:
    source = sqlite3.connect(loaded_db_url.removeprefix("sqlite:///"))
    dest = sqlite3.connect(target)
    source.backup(dest)
    source.close()
    dest.close()
    return f"sqlite:///{target}"


@pytest.fixture(scope="module")
def golden(
    loaded_db_url: str, shared_data: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Engine, dict[str, int]]]:
    work = tmp_path_factory.mktemp("golden")
    engine = make_engine(_copy_loaded(loaded_db_url, work / "golden.db"))
    meu = work / "meu_test.csv"
    # The real BIS file (all MIEU rows) plus one test-only MEU row, in a temporary copy.
    real = (shared_data / "us_other_lists" / "bis_meu.csv").read_text(encoding="utf-8").rstrip("\n")
    meu.write_text(
        real + "\nOrganization,Test Aviation Works,,CN,export.control,US-BIS-MEU,2020-12-23,,\n",
        encoding="utf-8",
    )
    edges = work / "owners.csv"
    edges.write_text(
        "owner,owned,share\n"
        f"{SDN_NAME},Alpha Holdings Ltd,50\n"
        "Alpha Holdings Ltd,Beta Trading Ltd,50\n"
        f"{SDN_NAME},Epsilon Holdings Ltd,49\n"
        "Epsilon Holdings Ltd,Delta Trading Ltd,100\n"
        f'"{HUAWEI}",Gamma Tech Ltd,60\n',
        encoding="utf-8",
    )
    for name in ("ndaa_section_889.csv", "fcc_covered_list.csv"):
        with session_scope(engine) as s:
            load_path(s, shared_data / "us_other_lists" / name)
    with session_scope(engine) as s:
        load_path(s, meu, fmt="meu")
        import_csv(s, edges)
    cases: dict[str, int] = {}
    with session_scope(engine) as s:
        # A removal that fails at the ERC (no unanimity), is escalated and carried by a majority.
        case = erc.propose(s, action="remove", party=HUAWEI, country="CN", by="Commerce", on=D("2021-09-01"))
        cases["huawei-removal"] = case.id
        for agency, yes in (("Commerce", True), ("State", True), ("Defense", True), ("Energy", False)):
            erc.vote(s, case.id, agency=agency, yes=yes, rationale="-", on=D("2021-09-02"))
        assert erc.decide(s, case.id, on=D("2021-09-03")) == "rejected"
        erc.escalate(s, case.id, by="Commerce", reason="appeal", on=D("2021-09-04"))
        for agency, yes in (("Commerce", True), ("State", True), ("Defense", True), ("Energy", False)):
            erc.vote(s, case.id, agency=agency, yes=yes, rationale="-", on=D("2021-09-05"))
        assert erc.decide(s, case.id, on=D("2021-09-06")) == "approved"
        erc.finalize(s, case.id, on=D("2021-09-20"), effective=D("2021-10-01"))
        # An addition approved at the ERC and published in the Federal Register.
        add = erc.propose(
            s, action="add", party="Zeta Robotics Co., Ltd.", country="CN", by="Defense", on=D("2022-01-03")
        )
        cases["zeta-add"] = add.id
        for agency in ("Commerce", "State", "Defense", "Energy"):
            erc.vote(s, add.id, agency=agency, yes=True, rationale="-", on=D("2022-01-05"))
        erc.decide(s, add.id, on=D("2022-01-06"))
        erc.finalize(s, add.id, on=D("2022-01-20"), effective=D("2022-03-01"))
        if hasattr(erc, "publish"):
            erc.publish(s, add.id, fr_cite="87 FR 11111", effective=D("2022-03-01"), on=D("2022-02-25"))
    yield engine, cases
    engine.dispose()


def decide(session: Session, cases: dict[str, int], row: Row) -> LicenseDetermination:
    """The one decision function of the table."""
    parties = [TransactionParty(row.party, "end_user")]
    if row.scenario:
        return erc.scenario_determine(
            session, cases[row.scenario], parties, row.eccn, row.country, D(row.day)
        )
    return determine(session, parties, row.eccn, row.country, D(row.day))


@pytest.mark.parametrize("row", ROWS, ids=[r.id for r in ROWS])
def test_golden(golden: tuple[Engine, dict[str, int]], row: Row) -> None:
    engine, cases = golden
    with Session(engine) as session:
        result = decide(session, cases, row)
    fired = {r.rule: r for r in result.rules}
    shown = "\n".join(f"{r.rule}: {r.summary} [{r.citation}]" for r in result.rules)
    assert result.verdict is row.verdict, shown
    if row.rule:
        assert row.rule in fired, shown
        firing = [r for r in result.rules if r.rule == row.rule]
        assert any(row.cite in r.citation for r in firing), shown
        assert any(row.says in r.summary for r in firing), shown
    for rule in row.absent:
        assert rule not in fired, shown
    # getattr: the same table is run against the code before the fix, to show which rows it failed.
    if row.unverified is not None:
        assert getattr(result, "verdict_unverified", None) is row.unverified, shown
        assert bool(getattr(result, "unverified_reasons", ())) is row.unverified
    label = getattr(result, "scenario", None)
    assert (label is not None and "SCENARIO" in label) if row.scenario else label is None
    if row.red_flag:
        assert row.red_flag in getattr(result, "red_flags", ("",))[0]


@pytest.mark.parametrize(
    ("eccn", "country", "field"),
    [("5A999", "CN", "eccn"), ("5X002", "CN", "eccn"), ("5A002", "XX", "destination")],
)
def test_bad_input_names_the_field(
    golden: tuple[Engine, dict[str, int]], eccn: str, country: str, field: str
) -> None:
    engine, _ = golden
    with Session(engine) as session, pytest.raises(InputError) as err:
        determine(session, [TransactionParty(CLEAN)], eccn, country, D("2024-01-01"))
    assert err.value.field == field


def test_publish_refuses_unapproved_and_needs_a_citation(golden: tuple[Engine, dict[str, int]]) -> None:
    engine, cases = golden
    with Session(engine) as session:
        with pytest.raises(erc.ERCError):
            erc.publish(session, cases["zeta-add"], fr_cite="87 FR 1", effective=D("2022-03-01"))
        with pytest.raises(InputError) as err:
            erc.publish(session, cases["huawei-removal"], fr_cite=" ", effective=D("2022-03-01"))
        assert err.value.field == "fr_cite"
        session.rollback()


@pytest.mark.parametrize(
    ("day", "party_involved", "from_design", "incorporated", "subject", "cite"),
    [
        ("2020-05-14", True, True, False, False, "did not exist"),
        # May 2020 (85 FR 29849): only items produced from a footnote 1 entity's designs.
        ("2020-05-15", True, False, False, False, "85 FR 29849"),
        ("2020-05-15", True, True, False, True, "85 FR 29849"),
        ("2020-08-16", False, False, True, False, "85 FR 29849"),
        # August 2020 (85 FR 51596): party involvement or incorporation suffices.
        ("2020-08-17", True, False, False, True, "85 FR 51596"),
        ("2020-08-17", False, False, True, True, "85 FR 51596"),
    ],
)
def test_fdp_footnote_1_versions(
    day: str, party_involved: bool, from_design: bool, incorporated: bool, subject: bool, cite: str
) -> None:
    """The foreign direct product procedure's own table (`tradescreen fdp`), by rule version."""
    kwargs = {"produced_from_footnote1_design": from_design} if from_design else {}
    result = entity_list_fdp(
        D(day),
        direct_product_of_specified_technology=True,
        produced_by_plant_that_is_direct_product=False,
        footnote1_entity_party_to_transaction=party_involved,
        incorporated_into_item_of_footnote1_entity=incorporated,
        **kwargs,  # type: ignore[arg-type]
    )
    assert result.subject_to_ear is subject and cite in result.conclusion


def test_one_listed_on_date_decision_for_status(golden: tuple[Engine, dict[str, int]]) -> None:
    """The status path's answer (`rules.parties.listed_on`) is the one determine uses: the
    Huawei affiliate row with its city suffix, dated from 2019-05-16, with footnote 1 and TGL."""
    from tradescreen.domain import Party
    from tradescreen.history import ListingState
    from tradescreen.rules.parties import listed_on

    engine, _ = golden
    with Session(engine) as session:

        def el(day: str) -> object:
            [found] = [
                p.status
                for p in listed_on(session, Party(AFFILIATE), D(day))
                if p.status.source.value == "EL"
            ]
            return found

        before, on, tgl, fn1 = el("2019-05-15"), el("2019-05-16"), el("2019-05-20"), el("2020-05-15")
        ended = el("2020-08-13")
    assert before.state is ListingState.NOT_YET_LISTED  # type: ignore[attr-defined]
    assert on.state is ListingState.LISTED and on.since == D("2019-05-16")  # type: ignore[attr-defined]
    assert tgl.general_license_active and "1" not in tgl.footnotes  # type: ignore[attr-defined]
    assert "1" in fn1.footnotes and fn1.general_license_active  # type: ignore[attr-defined]
    assert not ended.general_license_active  # type: ignore[attr-defined]
