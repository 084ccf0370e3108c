"""As-of answers for the curated cases, on the store loaded with real and curated data."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import Engine

from tradescreen.history import ListingState, entities_as_of, status_report, timeline
from tradescreen.store.db import session_scope

D = dt.date


def _state(engine: Engine, entity_id: str, date: dt.date) -> ListingState:
    with session_scope(engine) as s:
        report = status_report(s, [entity_id], date)
    assert report.listings, entity_id
    return report.listings[0].state


@pytest.mark.parametrize(
    ("entity_id", "date", "state"),
    [
        ("curated:huawei:EL", D(2019, 5, 15), ListingState.NOT_YET_LISTED),
        ("curated:huawei:EL", D(2019, 5, 16), ListingState.LISTED),
        ("curated:xiaomi:1237", D(2021, 1, 13), ListingState.NOT_YET_LISTED),
        ("curated:xiaomi:1237", D(2021, 2, 1), ListingState.LISTED),
        ("curated:xiaomi:1237", D(2021, 3, 11), ListingState.LISTED),
        ("curated:xiaomi:1237", D(2021, 3, 12), ListingState.ENJOINED),
        ("curated:xiaomi:1237", D(2021, 4, 1), ListingState.ENJOINED),
        ("curated:xiaomi:1237", D(2021, 6, 1), ListingState.REMOVED),
        ("curated:luokung:1237", D(2021, 5, 4), ListingState.LISTED),
        ("curated:luokung:1237", D(2021, 5, 5), ListingState.ENJOINED),
        ("curated:zte:EL", D(2016, 3, 7), ListingState.NOT_YET_LISTED),
        ("curated:zte:EL", D(2017, 1, 1), ListingState.LISTED),
        ("curated:zte:EL", D(2017, 6, 1), ListingState.REMOVED),
        ("curated:zte:DPL", D(2018, 5, 1), ListingState.LISTED),
        ("curated:zte:DPL", D(2018, 7, 13), ListingState.REMOVED),
        ("curated:bytedance:EO", D(2020, 9, 26), ListingState.LISTED),
        ("curated:bytedance:EO", D(2020, 10, 1), ListingState.ENJOINED),
        ("curated:bytedance:EO", D(2021, 6, 9), ListingState.REMOVED),
        ("curated:dji:EL", D(2020, 12, 17), ListingState.NOT_YET_LISTED),
        ("curated:dji:EL", D(2020, 12, 18), ListingState.LISTED),
        ("curated:smic:EL", D(2020, 12, 18), ListingState.LISTED),
        ("curated:hikvision:EL", D(2019, 10, 8), ListingState.NOT_YET_LISTED),
        ("curated:hikvision:EL", D(2019, 10, 9), ListingState.LISTED),
    ],
)
def test_curated_as_of(loaded_engine: Engine, entity_id: str, date: dt.date, state: ListingState) -> None:
    assert _state(loaded_engine, entity_id, date) is state


def test_huawei_footnote_and_general_license(loaded_engine: Engine) -> None:
    with session_scope(loaded_engine) as s:
        before = status_report(s, ["curated:huawei:EL"], D(2020, 5, 14)).listings[0]
        after = status_report(s, ["curated:huawei:EL"], D(2020, 6, 1)).listings[0]
        tgl_over = status_report(s, ["curated:huawei:EL"], D(2020, 8, 14)).listings[0]
    assert "1" not in before.footnotes and "1" in after.footnotes
    assert before.general_license_active and after.general_license_active
    assert not tgl_over.general_license_active
    assert after.license_policy == "Presumption of denial"


def test_unverified_facts_are_flagged(loaded_engine: Engine) -> None:
    with session_scope(loaded_engine) as s:
        removed = status_report(s, ["curated:xiaomi:1237"], D(2021, 6, 1)).listings[0]
        listed = status_report(s, ["curated:xiaomi:1237"], D(2021, 2, 1)).listings[0]
    assert removed.unverified and not listed.unverified


def test_cmic_entry_from_official_file_uses_its_listing_date(loaded_engine: Engine) -> None:
    assert _state(loaded_engine, "ofac_cons:30947", D(2021, 6, 2)) is ListingState.NOT_YET_LISTED
    assert _state(loaded_engine, "ofac_cons:30947", D(2021, 6, 3)) is ListingState.LISTED


def test_entries_without_dates_are_listed_from_an_unknown_date(loaded_engine: Engine) -> None:
    assert _state(loaded_engine, "ofac_sdn:36", D(2000, 1, 1)) is ListingState.LISTED_UNKNOWN_START


def test_1260h_periods(loaded_engine: Engine) -> None:
    with session_scope(loaded_engine) as s:
        ids = [e.id for e in entities_as_of(s, D(2021, 6, 3)) if e.feed == "dod_1260h"]
        earlier = [e.id for e in entities_as_of(s, D(2021, 6, 2)) if e.feed == "dod_1260h"]
    assert ids and not earlier


def test_entities_as_of_follow_history(loaded_engine: Engine) -> None:
    with session_scope(loaded_engine) as s:
        feb = {e.id for e in entities_as_of(s, D(2021, 2, 1))}
        june = {e.id for e in entities_as_of(s, D(2021, 6, 1))}
        y2018 = {e.id for e in entities_as_of(s, D(2018, 1, 1))}
    assert "curated:xiaomi:1237" in feb and "curated:xiaomi:1237" not in june
    assert "curated:huawei:EL" not in y2018 and "curated:huawei:EL" in feb


def test_timeline_is_ordered_with_citations(loaded_engine: Engine) -> None:
    with session_scope(loaded_engine) as s:
        events = timeline(s, "curated:huawei:EL")
    assert [e.date for e in events] == sorted(e.date for e in events)
    assert events[0].date == D(2019, 5, 16) and events[0].citation is not None
    assert events[0].citation.text == "84 FR 22961"
