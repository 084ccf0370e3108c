"""The Commerce Country Chart (Supplement No. 1 to Part 738) and the reasons for control of
ECCNs in CCL Categories 3, 4 and 5, from data/rules/country_chart.yaml.

The answer is the Country Chart's: a license is required when a reason for control of the
ECCN has an X in the destination's column (§738.4). License exceptions are named with their
section for the user to check; they are never decided here.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tradescreen.errors import InputError
from tradescreen.rules.eccn import Eccn

DATA = Path(__file__).resolve().parent.parent / "data" / "rules" / "country_chart.yaml"
TRANSCRIBED_CATEGORIES = frozenset({"3", "4", "5"})


@dataclass(frozen=True, slots=True)
class ChartAnswer:
    """The Country Chart's answer for one ECCN and destination."""

    eccn: str
    country: str
    license_required: bool | None  # None: not transcribed, not answered
    reasons: tuple[str, ...]  # the reasons (columns) with an X
    exceptions: tuple[str, ...]  # license exceptions to check, with section
    special: str | None
    citation: str
    verified: bool
    note: str


@functools.cache
def _chart() -> dict[str, Any]:
    with DATA.open(encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


def eccn_known(item: Eccn) -> bool:
    """True when the ECCN's heading is transcribed (or outside Categories 3-5)."""
    if item.is_ear99 or item.code[0] not in TRANSCRIBED_CATEGORIES:
        return True
    return item.code[:5] in _chart()["eccns"]


def check_known(item: Eccn, field: str = "eccn") -> Eccn:
    """An ECCN in Categories 3-5 that is not in the CCL transcription is an InputError."""
    if not eccn_known(item):
        raise InputError(
            f"unknown ECCN {item.code!r}: no such entry in CCL Category {item.code[0]} "
            "(Supplement No. 1 to Part 774) as transcribed",
            field=field,
        )
    return item


def chart_answer(item: Eccn, country: str) -> ChartAnswer | None:
    """The Country Chart's answer, or None for EAR99 (not on the chart)."""
    if item.is_ear99:
        return None
    chart = _chart()
    citation = f"{chart['citation']}; Supplement No. 1 to Part 774, ECCN {item.code[:5]}"
    entry = chart["eccns"].get(item.code[:5])
    column = chart["countries"].get(country)
    if entry is None or column is None:
        what = (
            f"ECCN {item.code} (Category {item.code[0]} not transcribed)"
            if entry is None
            else f"destination {country} (its Country Chart row is not transcribed)"
        )
        return ChartAnswer(
            item.code,
            country,
            None,
            (),
            (),
            None,
            citation,
            False,
            f"Country Chart not answered for {what}: check Supplement No. 1 to Part 738 by hand.",
        )
    xs = set(column["x"])
    reasons = tuple(f"{reason} ({col})" for reason, col in entry["reasons"] if col in xs)
    required = bool(reasons)
    exceptions = tuple(
        f"{e.split(' ')[0]} (§{e.split(' ', 1)[1]})" if " " in e else e for e in entry["exceptions"]
    )
    note = (
        f"Country Chart: license required for {item.code} to {country} — {', '.join(reasons)}."
        if required
        else f"Country Chart: no X for {item.code}'s reasons for control "
        f"({', '.join(c for _, c in entry['reasons'])}) in {country}'s row: no license required by the chart."
    )
    if column.get("note"):
        note += f" ({column['note']})"
    return ChartAnswer(
        item.code,
        country,
        required,
        reasons,
        exceptions if required else (),
        entry.get("special"),
        citation,
        bool(entry.get("verified")) and bool(column.get("verified")),
        note,
    )
