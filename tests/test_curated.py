"""The curated YAML shipped in the package: facts, citations and verified flags, strict validation."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tradescreen.config import CURATED_DIR
from tradescreen.domain import EventType, ListingEvent
from tradescreen.errors import InputError
from tradescreen.sources.base import ParsedFile
from tradescreen.sources.curated import parse_curated

D = dt.date


@pytest.fixture(scope="module")
def curated() -> ParsedFile:
    return parse_curated(CURATED_DIR)


def _event(parsed: ParsedFile, entity_id: str, date: dt.date) -> ListingEvent:
    found = [e for e in parsed.events if e.entity_id == entity_id and e.date == date]
    assert len(found) == 1, (entity_id, date, found)
    return found[0]


# (entity, date, type, citation contains, verified) straight from REGULATORY_FACTS.md section 5;
# the "(verify)" rows must stay verified = False.
FACTS = [
    ("curated:zte:EL", D(2016, 3, 8), EventType.ADDED, "81 FR 12004", True),
    ("curated:zte:EL", D(2017, 3, 29), EventType.REMOVED, "82 FR 15550", False),
    ("curated:zte:DPL", D(2018, 4, 15), EventType.ADDED, "BIS", False),
    ("curated:zte:DPL", D(2018, 7, 13), EventType.REMOVED, "BIS", False),
    ("curated:huawei:EL", D(2019, 5, 16), EventType.ADDED, "84 FR 22961", True),
    ("curated:huawei:EL", D(2020, 5, 15), EventType.POLICY_CHANGED, "85 FR 29849", True),
    ("curated:hikvision:EL", D(2019, 10, 9), EventType.ADDED, "84 FR 54002", True),
    ("curated:dji:EL", D(2020, 12, 18), EventType.ADDED, "85 FR 83416", True),
    ("curated:smic:EL", D(2020, 12, 18), EventType.ADDED, "85 FR 83416", True),
    ("curated:xiaomi:1237", D(2021, 1, 14), EventType.ADDED, "", True),
    ("curated:xiaomi:1237", D(2021, 5, 25), EventType.REMOVED, "", False),
    ("curated:luokung:1237", D(2021, 1, 14), EventType.ADDED, "", True),
]


@pytest.mark.parametrize(("entity_id", "date", "etype", "cite", "verified"), FACTS)
def test_curated_facts(
    curated: ParsedFile, entity_id: str, date: dt.date, etype: EventType, cite: str, verified: bool
) -> None:
    event = _event(curated, entity_id, date)
    assert event.event_type is etype
    assert event.citation is not None and cite in event.citation.text
    assert event.verified is verified


def test_injunctions_cite_the_court_case(curated: ParsedFile) -> None:
    xiaomi = _event(curated, "curated:xiaomi:1237", D(2021, 3, 12))
    assert xiaomi.event_type is EventType.ENJOINED
    assert "Contreras" in xiaomi.description or "Xiaomi" in (xiaomi.citation.text if xiaomi.citation else "")
    for entity_id, date in (
        ("curated:bytedance:EO", D(2020, 9, 27)),
        ("curated:tencent-wechat:EO", D(2020, 9, 19)),
    ):
        assert _event(curated, entity_id, date).event_type is EventType.ENJOINED
        revoked = _event(curated, entity_id, D(2021, 6, 9))
        assert revoked.citation is not None and "14034" in revoked.citation.text


def test_smic_split_review_policy(curated: ParsedFile) -> None:
    smic = next(e for e in curated.entries if e.entry_key == "smic:EL")
    policy = (smic.license_policy or "").lower()
    assert "presumption of denial" in policy and "case-by-case" in policy


def test_every_event_is_cited(curated: ParsedFile) -> None:
    assert curated.events and all(e.citation is not None and e.citation.text for e in curated.events)


def test_single_file_matches_directory(curated: ParsedFile) -> None:
    one = parse_curated(CURATED_DIR / "xiaomi.yaml")
    assert {e.entry_key for e in one.entries} == {
        e.entry_key for e in curated.entries if e.entry_key.startswith("xiaomi:")
    }


@pytest.mark.parametrize(
    ("old", "new", "field"),
    [
        ("type: added", "type: listed_maybe", "type"),
        ("date: 2021-01-14", "date: 2021-02-30", "date"),
        ('  - list: "1237"', "  - list: XYZ", "list"),
        ("    events:", "    colour: red\n    events:", "colour"),
    ],
)
def test_bad_curated_file_names_file_line_and_field(tmp_path: Path, old: str, new: str, field: str) -> None:
    path = tmp_path / "xiaomi.yaml"
    shutil.copy(CURATED_DIR / "xiaomi.yaml", path)
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(InputError) as info:
        parse_curated(tmp_path)
    err = info.value
    assert err.file == str(path) and err.line is not None and err.line > 1
    assert field in (err.field or "")
