"""Smaller US lists transcribed as CSV: BIS MIEU, NDAA §889 and §1286, FCC Covered List.

None of them carries an id, so an entry's key is a short hash of its (case-folded)
name: stable across versions as long as the name is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from tradescreen.domain import AliasType, Citation, EntityKind, Feed, ListEntry, ListSource, Name
from tradescreen.errors import InputError
from tradescreen.sources.base import ParsedFile, sha256_of
from tradescreen.sources.countries import country_code, is_country_code
from tradescreen.sources.tabular import dict_rows


def _key(name: str) -> str:
    return hashlib.sha1(name.casefold().encode()).hexdigest()[:16]


def _iso_date(value: str, *, file: str, line: int, field: str) -> dt.date | None:
    """A date written as YYYY-MM-DD, a bare year (Jan 1st) or 'March 12, 2021'."""
    value = value.strip()
    if not value:
        return None
    for fmt in ("%Y-%m-%d", "%B %d, %Y", "%Y"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise InputError(f"not a date: {value!r}", file=file, line=line, field=field)


def _aliases(value: str) -> tuple[Name, ...]:
    return tuple(Name(a.strip(), AliasType.AKA) for a in value.split(";") if a.strip())


def _country(value: str) -> tuple[str, ...]:
    value = value.strip()
    if not value:
        return ()
    code = value.upper() if is_country_code(value) else country_code(value)
    return (code or value,)


def _require_name(value: str, *, file: str, line: int, field: str) -> str:
    if not value.strip():
        raise InputError("missing value", file=file, line=line, field=field)
    return value.strip()


def parse_meu(path: Path) -> ParsedFile:
    """Parse the BIS Military-Intelligence End-User list, 15 CFR 744.22 (feed `bis_meu`).

    The file name `bis_meu.csv` is historical: its rows are MIEU entries (all items subject
    to the EAR), not the Supp. No. 4 MEU list, so they are labelled `ListSource.MIEU`.
    """
    path = Path(path)
    file = str(path)
    entries: list[ListEntry] = []
    required = ("Type", "Name", "Alias", "Country", "Program", "Date", "End date")
    for line, row in dict_rows(path, required, what="BIS MIEU list file"):
        name = _require_name(row["Name"], file=file, line=line, field="Name")
        url = row.get("Source URL") or None
        entries.append(
            ListEntry(
                entry_key=_key(name),
                # The BIS file mixes nothing today, but its rows say which list they are:
                # "US-BIS-MIEU" is the Military-Intelligence End-User list (§744.22, all
                # items subject to the EAR), not the Military End-User list (§744.21).
                source=ListSource.MIEU if "MIEU" in row["Program"].upper() else ListSource.MEU,
                name=name,
                kind=EntityKind.INDIVIDUAL if row["Type"] == "Person" else EntityKind.ENTITY,
                aliases=_aliases(row["Alias"]),
                countries=_country(row["Country"]),
                programs=(row["Program"],) if row["Program"] else (),
                federal_register=(Citation(text=url, url=url),) if url else (),
                start_date=_iso_date(row["Date"], file=file, line=line, field="Date"),
                end_date=_iso_date(row["End date"], file=file, line=line, field="End date"),
                source_url=url,
                line=line,
            )
        )
    return _parsed(Feed.BIS_MEU, path, entries)


def _parse_ndaa(path: Path, feed: str, source: ListSource) -> ParsedFile:
    """§889 and §1286 share OpenSanctions' "special_leg" layout; rows repeat per report."""
    path = Path(path)
    file = str(path)
    required = ("name", "aliases", "program", "report-date", "start-date", "end-date", "country", "notes")
    by_key: dict[str, ListEntry] = {}
    reports: dict[str, set[str]] = {}
    for line, row in dict_rows(path, required, what=f"NDAA {source.value} list file"):
        name = _require_name(row["name"], file=file, line=line, field="name")
        key = _key(name)
        report = row["report-date"]
        if report:
            if not re.fullmatch(r"\d{4}(-\d\d-\d\d)?", report):
                raise InputError(f"not a year or date: {report!r}", file=file, line=line, field="report-date")
            reports.setdefault(key, set()).add(report)
        start = _iso_date(row["start-date"], file=file, line=line, field="start-date")
        end = _iso_date(row["end-date"], file=file, line=line, field="end-date")
        previous = by_key.get(key)
        if previous is not None:
            # A later report's row for the same institution: merge aliases and dates.
            names = {a.value for a in previous.aliases}
            extra_aliases = tuple(a for a in _aliases(row["aliases"]) if a.value not in names)
            ends = [d for d in (previous.end_date, end) if d]
            by_key[key] = ListEntry(
                **{
                    **{f: getattr(previous, f) for f in ListEntry.__dataclass_fields__},
                    "aliases": previous.aliases + extra_aliases,
                    "end_date": max(ends) if ends else None,
                    "start_date": previous.start_date or start,
                }
            )
            continue
        url = row.get("source_url") or None
        extra = {"notes": row["notes"]} if row["notes"] else {}
        by_key[key] = ListEntry(
            entry_key=key,
            source=source,
            name=name,
            aliases=_aliases(row["aliases"]),
            countries=_country(row["country"]),
            programs=(row["program"],) if row["program"] else (),
            start_date=start,
            end_date=end,
            extra=extra,
            source_url=url,
            line=line,
        )
    entries = []
    for key, entry in by_key.items():
        if key in reports:
            entry.extra["report_dates"] = sorted(reports[key])
        entries.append(entry)
    return _parsed(feed, path, entries)


def parse_ndaa889(path: Path) -> ParsedFile:
    """Parse the NDAA FY2019 §889 named-company list (feed `ndaa_889`)."""
    return _parse_ndaa(path, Feed.NDAA_889, ListSource.NDAA889)


def parse_ndaa1286(path: Path) -> ParsedFile:
    """Parse the DoD §1286 list of foreign institutions of concern (feed `ndaa_1286`)."""
    return _parse_ndaa(path, Feed.NDAA_1286, ListSource.NDAA1286)


# "... produced by Huawei Technologies Company, including ..." -> the company. Entries
# that name no company (foreign-produced drones, routers, inverters) are categories of
# equipment, not parties: they are skipped, because screening names against their
# text would only produce false hits.
_BY_RE = re.compile(
    r"\b(?:produced|provided|supplied)(?: or provided)?(?:, directly or indirectly,)? by (?P<who>.+?)"
    r"(?:,? including\b|,? to the extent\b|,? subject to\b|,? or any of its\b| and its wholly-owned"
    r"| or any of its\b|\.\s*$|$)"
)
_SUBSIDIARY_RE = re.compile(r"and its wholly-owned subsidiary (?P<sub>.+?)(?: subject to\b|,|\.\s*$|$)")


def parse_fcc(path: Path) -> ParsedFile:
    """Parse the FCC Covered List (feed `fcc_covered`): one entry per covered item."""
    path = Path(path)
    file = str(path)
    entries: list[ListEntry] = []
    required = ("covered_equipment_or_services", "date_of_inclusion_on_covered_list")
    seen: dict[str, int] = {}
    for line, row in dict_rows(path, required, what="FCC Covered List file"):
        text = _require_name(
            row["covered_equipment_or_services"], file=file, line=line, field="covered_equipment_or_services"
        )
        # The FCC appends amendments to the date cell: "December 22, 2025Updated:January 7, 2026".
        first, *updates = row["date_of_inclusion_on_covered_list"].split("Updated:")
        field = "date_of_inclusion_on_covered_list"
        added = _iso_date(first, file=file, line=line, field=field)
        updated = [_iso_date(u, file=file, line=line, field=field) for u in updates]
        match = _BY_RE.search(text)
        if match is None:
            continue
        name = match.group("who").strip().rstrip(",")
        aliases: tuple[Name, ...] = ()
        sub = _SUBSIDIARY_RE.search(text)
        if sub:
            aliases = (Name(sub.group("sub").strip(), AliasType.AKA),)
        base = _key(name)
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}-{seen[base]}"
        entries.append(
            ListEntry(
                entry_key=key,
                source=ListSource.FCC,
                name=name,
                aliases=aliases,
                start_date=added,
                remarks=text,
                extra={
                    "covered": text,
                    **({"updated": [d.isoformat() for d in updated if d]} if updated else {}),
                },
                line=line,
            )
        )
    return _parsed(Feed.FCC_COVERED, path, entries)


def _parsed(feed: str, path: Path, entries: list[ListEntry]) -> ParsedFile:
    if not entries:
        raise InputError("no records", file=str(path), line=1)
    return ParsedFile(
        feed=feed, file_name=str(path), sha256=sha256_of([path]), entries=entries, paths=(path,)
    )
