"""Every parser on the real official files, with counts checked against the files."""

from __future__ import annotations

import csv
import datetime as dt
from collections import Counter
from pathlib import Path

from tradescreen.domain import AliasType, EntityKind, ListSource
from tradescreen.sources.detect import detect_format, open_list_file


def _csv_rows(path: Path, delimiter: str = ",", header: bool = False) -> int:
    text = path.read_text(encoding="utf-8", errors="replace").split("\x1a")[0]
    rows = [r for r in csv.reader(text.splitlines(), delimiter=delimiter) if r and any(c.strip() for c in r)]
    return len(rows) - (1 if header else 0)


def test_ofac_sdn_reads_siblings(shared_data: Path) -> None:
    path = shared_data / "ofac_sdn" / "sdn.csv"
    parsed = open_list_file(path)
    entries = list(parsed.entries)
    assert parsed.feed == "ofac_sdn"
    assert len(entries) == _csv_rows(path) == 8976
    alias_count = sum(len(e.aliases) for e in entries)
    assert alias_count >= _csv_rows(shared_data / "ofac_sdn" / "alt.csv")  # plus a.k.a.s in remarks
    add_rows = list(
        csv.reader((shared_data / "ofac_sdn" / "add.csv").read_text().split("\x1a")[0].splitlines())
    )
    with_content = [r for r in add_rows if r and any(c.strip() not in ("", "-0-") for c in r[2:])]
    assert sum(len(e.addresses) for e in entries) == len(with_content)
    kim = next(e for e in entries if e.name == "KIM, Jong Un")
    assert kim.kind is EntityKind.INDIVIDUAL and kim.source is ListSource.SDN
    # the overflow in sdn_comments.csv is joined to the remarks
    overflow = next(e for e in entries if e.entry_key == "28264")
    assert "LAZARUS GROUP" in overflow.linked_to
    assert parsed.relationships


def test_ofac_consolidated_cmic_fields(shared_data: Path) -> None:
    path = shared_data / "ofac_cons" / "cons_prim.csv"
    entries = list(open_list_file(path).entries)
    assert len(entries) == _csv_rows(path) == 442
    cmic = [e for e in entries if e.source is ListSource.CMIC]
    assert (
        len(cmic)
        == sum(
            1
            for r in csv.reader(path.read_text().split("\x1a")[0].splitlines())
            if r and "CMIC-EO13959" in r[3]
        )
        == 68
    )
    huawei = next(e for e in entries if e.entry_key == "30947")
    assert huawei.extra["cmic_listing_date"] == "2021-06-03"
    assert huawei.extra["cmic_effective_date"] == "2021-08-02"
    assert huawei.extra["cmic_divestment_date"] == "2022-06-03"
    assert ("USCC", "914403001922038216") in {(i.type, i.value) for i in huawei.identifiers}
    holding = next(e for e in entries if e.entry_key == "32087")
    assert len([i for i in holding.identifiers if i.type == "ISIN"]) == 6
    assert holding.linked_to and holding.linked_to[0].startswith("HUAWEI TECHNOLOGIES")
    assert holding.start_date == dt.date(2021, 6, 3)


def test_ofac_enhanced_xml_agrees_with_csv(shared_data: Path) -> None:
    path = shared_data / "ofac_cons" / "CONS_ENHANCED.ZIP"
    assert detect_format(path) == "ofac-xml"
    parsed = open_list_file(path)
    entries = {e.entry_key: e for e in parsed.entries}
    assert parsed.feed == "ofac_cons" and parsed.published == dt.date(2025, 1, 10)
    assert len(entries) == 443
    assert entries["30947"].name == "HUAWEI TECHNOLOGIES CO., LTD."
    assert entries["30947"].extra["cmic_listing_date"] == "2021-06-03"
    csv_keys = {e.entry_key for e in open_list_file(shared_data / "ofac_cons" / "cons_prim.csv").entries}
    assert len(csv_keys & set(entries)) > 400  # same ids: one feed in two formats


def test_csl_csv(shared_data: Path) -> None:
    path = shared_data / "csl_sample" / "csl.csv"
    entries = list(open_list_file(path).entries)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(entries) == len(rows) == 115
    by_source = Counter(e.source for e in entries)
    assert by_source[ListSource.EL] == sum("(EL)" in r["source"] for r in rows) == 22
    el = [e for e in entries if e.source is ListSource.EL]
    assert all(e.license_requirement and e.license_policy for e in el)
    gui_an = next(e for e in el if "Huawei" in e.name)
    assert gui_an.federal_register[0].text == "84 FR 22961"
    assert any(e.aliases for e in entries)


def test_csl_small_and_json(shared_data: Path, tmp_path: Path) -> None:
    import json

    path = shared_data / "csl_sample" / "consolidated_small.csv"
    entries = list(open_list_file(path).entries)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(entries) == len(rows)
    as_json = tmp_path / "consolidated.json"
    as_json.write_text(json.dumps({"results": rows}), encoding="utf-8")
    parsed = open_list_file(as_json)
    assert [e.name for e in parsed.entries] == [e.name for e in entries]


def test_dpl(shared_data: Path) -> None:
    path = shared_data / "csl_sample" / "dpl.txt"
    entries = list(open_list_file(path).entries)
    assert len(entries) == _csv_rows(path, "\t", header=True) == 581
    assert all(e.source is ListSource.DPL for e in entries)
    assert all(e.end_date is None or e.start_date is None or e.end_date >= e.start_date for e in entries)
    assert len({e.entry_key for e in entries}) == len(entries)


def test_1260h_periods(shared_data: Path) -> None:
    path = shared_data / "dod_1260h" / "1260h.csv"
    parsed = open_list_file(path)
    entries = list(parsed.entries)
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert sum(len(e.extra["periods"]) for e in entries) == len(rows)
    huawei = next(e for e in entries if e.name == "Huawei Technologies Co., Ltd.")
    assert huawei.start_date == dt.date(2021, 6, 3)
    assert any(ev.entity_id.endswith(huawei.entry_key) for ev in parsed.events)


def test_sdn_2024_full_file(shared_data: Path) -> None:
    entries = list(open_list_file(shared_data / "ofac_sdn_2024" / "sdn.csv").entries)
    assert len(entries) == 14965


def test_curated_data(tmp_path: Path) -> None:
    from tradescreen.config import CURATED_DIR

    parsed = open_list_file(CURATED_DIR)
    keys = {e.entry_key for e in parsed.entries}
    for expected in (
        "huawei:EL",
        "xiaomi:1237",
        "luokung:1237",
        "dji:EL",
        "smic:EL",
        "hikvision:EL",
        "zte:EL",
        "bytedance:EO",
        "tencent-wechat:EO",
    ):
        assert expected in keys
    assert all(e.citation is not None for e in parsed.events)
    # "(verify)" facts stay marked unverified
    assert any(not e.verified for e in parsed.events)
    assert any(
        r.object == "Honor Device Co., Ltd." and r.valid_to == dt.date(2020, 11, 17)
        for r in parsed.relationships
    )
    huawei = next(e for e in parsed.entries if e.entry_key == "huawei:EL")
    assert any(a.alias_type is AliasType.TRANSLIT and a.value == "华为技术有限公司" for a in huawei.aliases)
