"""Rule logic on small hand-made inputs: ECCNs, countries, de minimis, the footnote 1 FDP
procedure and the rules each kind of listing fires."""

from __future__ import annotations

import datetime as dt

import pytest

from tradescreen.domain import Citation, Hit, ListSource
from tradescreen.errors import InputError
from tradescreen.history import ListingState, ListingStatus
from tradescreen.rules.countries import check_country, in_group_e
from tradescreen.rules.de_minimis import de_minimis
from tradescreen.rules.direct_product import entity_list_fdp
from tradescreen.rules.eccn import parse_eccn
from tradescreen.rules.licensing import _rules_for, requirement_covers
from tradescreen.rules.parties import PartyListing

EAR99 = parse_eccn("EAR99")
CCL_ITEM = parse_eccn("5A992.c")


@pytest.mark.parametrize(
    ("requirement", "eccn", "covered"),
    [
        ("For all items subject to the EAR (See §744.11 of the EAR)", "EAR99", True),
        ("For all items subject to the EAR except EAR99 food and medicine", "EAR99", False),
        ("For all items subject to the EAR except EAR99 food and medicine", "3A090", True),
        ("For all items subject to the EAR except 5A992", "5A992.c", False),
        ("For items classified under ECCN 3A001 and 3A090", "3A090.a", True),
        ("For items classified under ECCN 3A001 and 3A090", "5A992.c", False),
        ("For items classified under ECCN 3A001 and 3A090", "EAR99", False),
        ("", "EAR99", True),
    ],
)
def test_requirement_covers(requirement: str, eccn: str, covered: bool) -> None:
    assert requirement_covers(requirement, parse_eccn(eccn)) is covered


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("5A992.c", "5A992.c"),
        ("3a090", "3A090"),
        ("ear99", "EAR99"),
        ("0A606.x", "0A606.x"),
        ("5D002.c.1", "5D002.c.1"),
    ],
)
def test_eccn_valid(text: str, code: str) -> None:
    assert parse_eccn(text).code == code


@pytest.mark.parametrize("text", ["", "5A99", "XA992", "5Z992", "EAR-99", "5A992..c", "5A992 c"])
def test_eccn_invalid_names_the_field(text: str) -> None:
    with pytest.raises(InputError) as err:
        parse_eccn(text)
    assert err.value.field == "eccn"


def test_eccn_properties() -> None:
    assert parse_eccn("EAR99").is_ear99 and not parse_eccn("EAR99").on_ccl
    assert parse_eccn("0A606").is_600_series and not parse_eccn("3A090").is_600_series


def test_countries() -> None:
    assert check_country(" cn ") == "CN"
    with pytest.raises(InputError) as err:
        check_country("XX", "destination")
    assert err.value.field == "destination"
    assert in_group_e("IR") and in_group_e("CU") and in_group_e("KP") and in_group_e("SY")
    assert not in_group_e("CN")


def test_de_minimis_25_percent_boundary() -> None:
    # §734.4: "exceeds" the level — exactly 25% stays outside the EAR.
    at = de_minimis(25, 100, "CN")
    over = de_minimis(25.01, 100, "CN")
    assert (at.threshold, at.subject_to_ear, over.subject_to_ear) == (25.0, False, True)
    assert "25.00 / 100.00" in at.arithmetic and "25.00%" in at.arithmetic


def test_de_minimis_group_e_uses_10_percent() -> None:
    result = de_minimis(15, 100, "IR")
    assert result.threshold == 10.0 and result.subject_to_ear
    assert not de_minimis(15, 100, "DE").subject_to_ear
    assert "E:1/E:2" in result.arithmetic


@pytest.mark.parametrize(
    ("content", "price", "field"),
    [
        (float("nan"), 100, "controlled_us_content"),
        (1, float("inf"), "price"),
        (-1, 100, "controlled_us_content"),
        (10, 0, "price"),
        (10, -5, "price"),
        (150, 100, "controlled_us_content"),
    ],
)
def test_de_minimis_bad_input(content: float, price: float, field: str) -> None:
    with pytest.raises(InputError) as err:
        de_minimis(content, price, "CN")
    assert err.value.field == field


def test_de_minimis_unknown_country() -> None:
    with pytest.raises(InputError):
        de_minimis(1, 10, "ZZ")


def test_fdp_did_not_exist_before_may_2020() -> None:
    before = entity_list_fdp(
        dt.date(2020, 5, 14),
        direct_product_of_specified_technology=True,
        produced_by_plant_that_is_direct_product=False,
        footnote1_entity_party_to_transaction=True,
    )
    after = entity_list_fdp(
        dt.date(2020, 5, 15),
        direct_product_of_specified_technology=True,
        produced_by_plant_that_is_direct_product=False,
        footnote1_entity_party_to_transaction=True,
    )
    from_design = entity_list_fdp(
        dt.date(2020, 5, 15),
        direct_product_of_specified_technology=True,
        produced_by_plant_that_is_direct_product=False,
        footnote1_entity_party_to_transaction=True,
        produced_from_footnote1_design=True,
    )
    assert not before.subject_to_ear and "did not exist" in before.conclusion
    # The May 2020 version reached only items produced from Huawei's designs.
    assert not after.subject_to_ear and "85 FR 29849" in after.conclusion
    assert from_design.subject_to_ear and "85 FR 29849" in from_design.conclusion
    assert "734.9(e)(1)" in after.citation


def test_fdp_broadened_rule_and_negative_answers() -> None:
    broadened = entity_list_fdp(
        dt.date(2020, 8, 17),
        direct_product_of_specified_technology=False,
        produced_by_plant_that_is_direct_product=True,
        footnote1_entity_party_to_transaction=False,
        incorporated_into_item_of_footnote1_entity=True,
    )
    assert broadened.subject_to_ear and "85 FR 51596" in broadened.conclusion and broadened.verified
    no_knowledge = entity_list_fdp(
        dt.date(2021, 1, 1),
        direct_product_of_specified_technology=True,
        produced_by_plant_that_is_direct_product=False,
        footnote1_entity_party_to_transaction=False,
    )
    assert not no_knowledge.subject_to_ear
    assert [s.answer for s in no_knowledge.steps] == [True, True, False]


def _listing(source: ListSource, state: ListingState = ListingState.LISTED, **kw: object) -> PartyListing:
    status = ListingStatus(
        entity_id=f"{source.value}:1",
        source=source,
        name="Example Co",
        as_of=dt.date(2021, 1, 1),
        state=state,
        since=dt.date(2020, 1, 1),
        citations=(Citation("85 FR 1"),),
        **kw,  # type: ignore[arg-type]
    )
    hit = Hit(status.entity_id, source, "Example Co", "Example Co", 1.0, "exact")
    return PartyListing(hit, status)


def test_entity_list_all_items_covers_ear99_with_footnote_1() -> None:
    listing = _listing(
        ListSource.EL,
        license_requirement="For all items subject to the EAR",
        license_policy="Presumption of denial",
        footnotes=("1",),
    )
    rules = _rules_for(listing, item=EAR99, party="Example Co")
    assert [r.rule for r in rules] == ["entity_list", "fdp_footnote_1"]
    assert rules[0].review_policy == "Presumption of denial"
    assert not rules[0].license_exceptions_available
    assert "744.16(b)" in rules[0].summary and "734.9(e)(1)" in rules[1].citation


def test_entity_list_narrow_requirement_does_not_cover_ear99() -> None:
    listing = _listing(ListSource.EL, license_requirement="Items subject to the EAR on the CCL")
    assert _rules_for(listing, item=EAR99, party="x") == []
    assert [r.rule for r in _rules_for(listing, item=CCL_ITEM, party="x")] == ["entity_list"]


@pytest.mark.parametrize(
    ("source", "rule"),
    [
        (ListSource.DPL, "denied_persons"),
        (ListSource.SDN, "sdn_blocking"),
        (ListSource.MEU, "military_end_user"),
        (ListSource.UVL, "unverified_list"),
        (ListSource.MIEU, "military_intelligence_end_user"),
        (ListSource.CMIC, "investment_ban"),
    ],
)
def test_each_list_fires_its_rule(source: ListSource, rule: str) -> None:
    assert [r.rule for r in _rules_for(_listing(source), item=CCL_ITEM, party="x")] == [rule]


def test_removed_and_enjoined_listings() -> None:
    assert _rules_for(_listing(ListSource.EL, ListingState.REMOVED), item=CCL_ITEM, party="x") == []
    assert _rules_for(_listing(ListSource.EL, ListingState.NOT_YET_LISTED), item=CCL_ITEM, party="x") == []
    enjoined = _rules_for(_listing(ListSource.DOD1237, ListingState.ENJOINED), item=CCL_ITEM, party="x")
    assert [r.rule for r in enjoined] == ["enjoined"]


def test_temporary_general_license_is_reported() -> None:
    listing = _listing(ListSource.EL, general_license_active=True)
    rules = _rules_for(listing, item=CCL_ITEM, party="Huawei")
    assert "temporary_general_license" in [r.rule for r in rules]
