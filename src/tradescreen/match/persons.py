"""Person attributes: dates of birth and nationalities, parsed and compared.

List dates of birth come as OFAC writes them ("16 Jun 1977", "Oct 1952", "1994",
"circa 1960", "1952 to 1954"); a party's date of birth as ISO ("1977-06-16", "1977-06")
or a year. Two dates agree when they can be the same day within a year; a list date more
than a year off every date given is a conflict.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from tradescreen.errors import InputError

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_LIST_DOB_RE = re.compile(r"^(?:circa\s+)?(?:(\d{1,2})\s+)?(?:([A-Za-z]{3})[a-z]*\s+)?(\d{4})$")
_RANGE_RE = re.compile(r"^(?:circa\s+)?(\d{4})\s+to\s+(\d{4})$")
_ISO_RE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, slots=True)
class DateSpan:
    """The days a (possibly partial) date of birth may stand for."""

    first: dt.date
    last: dt.date


def _span(year: int, month: int | None, day: int | None) -> DateSpan:
    if month is None:
        return DateSpan(dt.date(year, 1, 1), dt.date(year, 12, 31))
    if day is None:
        end = dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)
        return DateSpan(dt.date(year, month, 1), end)
    return DateSpan(dt.date(year, month, day), dt.date(year, month, day))


def parse_list_dob(text: str) -> DateSpan | None:
    """A list's date of birth ("16 Jun 1977", "1994", "1952 to 1954"), or None if unreadable."""
    text = text.strip().rstrip(".")
    if m := _RANGE_RE.match(text):
        return DateSpan(dt.date(int(m.group(1)), 1, 1), dt.date(int(m.group(2)), 12, 31))
    m = _LIST_DOB_RE.match(text)
    if not m:
        return None
    month = _MONTHS.get(m.group(2).lower()) if m.group(2) else None
    try:
        return _span(int(m.group(3)), month, int(m.group(1)) if m.group(1) and month else None)
    except ValueError:
        return None


def parse_party_dob(text: str, *, field: str = "dob", line: int | None = None) -> DateSpan:
    """A party's date of birth, ISO "YYYY-MM-DD", "YYYY-MM" or "YYYY"; InputError otherwise."""
    m = _ISO_RE.match(text.strip())
    try:
        if not m:
            raise ValueError(text)
        return _span(
            int(m.group(1)), int(m.group(2)) if m.group(2) else None, int(m.group(3)) if m.group(3) else None
        )
    except ValueError:
        raise InputError(
            f"date of birth {text!r} is not YYYY-MM-DD, YYYY-MM or YYYY", field=field, line=line
        ) from None


def dob_agreement(party_dob: str, listed: tuple[str, ...]) -> tuple[str, str] | None:
    """("agree" | "conflict", detail) for a party's date of birth against a list's dates.

    Agreement: one list date can be the same day (or within a year when it is a year
    only). Conflict: every readable list date lies more than a year away. None when the
    list gives no readable date.
    """
    party = parse_party_dob(party_dob)
    spans = [(d, s) for d in listed if (s := parse_list_dob(d)) is not None]
    if not spans:
        return None
    year = dt.timedelta(days=366)
    for text, span in spans:
        if span.first <= party.last and party.first <= span.last:
            return "agree", f"date of birth {party_dob} agrees with {text}"
    if all(span.first - party.last > year or party.first - span.last > year for _t, span in spans):
        return "conflict", f"date of birth {party_dob} differs from {'; '.join(t for t, _s in spans)}"
    return "near", f"date of birth {party_dob} is within a year of {'; '.join(t for t, _s in spans)}"
