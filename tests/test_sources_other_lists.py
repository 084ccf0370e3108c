"""BIS MEU, NDAA §889/§1286 and FCC Covered List transcriptions, on the real files."""

from __future__ import annotations

import csv
import datetime as dt
import shutil
from pathlib import Path

import pytest

from tradescreen.domain import ListSource
from tradescreen.errors import InputError
from tradescreen.sources.detect import detect_format, open_list_file


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_meu(shared_data: Path) -> None:
    path = shared_data / "us_other_lists" / "bis_meu.csv"
    assert detect_format(path) == "meu"
    parsed = open_list_file(path)
    entries = list(parsed.entries)
    rows = _rows(path)
    assert parsed.feed == "bis_meu"
    assert len(entries) == len(rows)
    # Every row of this file is "US-BIS-MIEU": the Military-Intelligence End-User list (§744.22).
    assert all(e.source is ListSource.MIEU for e in entries)
    first = entries[0]
    assert first.name == rows[0]["Name"]
    assert [a.value for a in first.aliases] == [rows[0]["Alias"]]
    assert first.countries == (rows[0]["Country"],)
    assert first.start_date == dt.date.fromisoformat(rows[0]["Date"])
    assert len({e.entry_key for e in entries}) == len(entries)


@pytest.mark.parametrize(
    ("file", "fmt", "feed", "source"),
    [
        ("ndaa_section_889.csv", "ndaa889", "ndaa_889", ListSource.NDAA889),
        ("ndaa_section_1286.csv", "ndaa1286", "ndaa_1286", ListSource.NDAA1286),
    ],
)
def test_ndaa(shared_data: Path, file: str, fmt: str, feed: str, source: ListSource) -> None:
    path = shared_data / "us_other_lists" / file
    assert detect_format(path) == fmt
    parsed = open_list_file(path)
    entries = list(parsed.entries)
    rows = _rows(path)
    assert parsed.feed == feed and all(e.source is source for e in entries)
    # one entry per institution, though the file repeats it once per yearly report
    assert len(entries) == len({r["name"].strip().casefold() for r in rows})  # names with stray spaces too
    assert len({e.entry_key for e in entries}) == len(entries)
    if fmt == "ndaa889":
        assert "Huawei Technologies Company" in {e.name for e in entries}
    else:
        amms = next(e for e in entries if e.name == "Academy of Military Medical Sciences")
        expected = sorted({r["report-date"] for r in rows if r["name"] == amms.name and r["report-date"]})
        assert amms.extra["report_dates"] == expected
        assert "AMMS" in {a.value for a in amms.aliases}
        assert any(e.countries == ("CN",) for e in entries)


def test_fcc_names_the_companies(shared_data: Path) -> None:
    path = shared_data / "us_other_lists" / "fcc_covered_list.csv"
    assert detect_format(path) == "fcc"
    entries = list(open_list_file(path).entries)
    rows = _rows(path)
    # the rest are categories of foreign-produced equipment (drones, routers), not parties
    naming = [r for r in rows if "foreign" not in r["covered_equipment_or_services"].lower()]
    assert len(entries) == len(naming)
    huawei = next(e for e in entries if e.name == "Huawei Technologies Company")
    assert huawei.start_date == dt.date(2021, 3, 12)
    assert huawei.source is ListSource.FCC
    pacific = next(e for e in entries if e.name == "Pacific Networks Corp")
    assert [a.value for a in pacific.aliases] == ["ComNet (USA) LLC"]


def test_broken_other_list_rows_are_refused(shared_data: Path, tmp_path: Path) -> None:
    path = tmp_path / "bis_meu.csv"
    shutil.copy(shared_data / "us_other_lists" / "bis_meu.csv", path)
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3] = lines[3].replace("2021-03-16", "16 March")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        list(open_list_file(path).entries)
    assert info.value.line == 4 and info.value.field == "Date"
    path.write_text("Type,Name,Alias,Country,Program,Date,End date\n", encoding="utf-8")
    with pytest.raises(InputError):
        open_list_file(path)
