"""DoD Section 1260H list ("Chinese military companies operating in the US").

The transcription has one row per listing period; rows of the same company (same clean
name) are merged into one entry whose periods become ADDED/REMOVED listing events.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from pathlib import Path

from tradescreen.domain import (
    AliasType,
    Citation,
    EventType,
    Feed,
    ListEntry,
    ListingEvent,
    ListSource,
    Name,
    Relationship,
    RelationshipType,
    entity_id,
)
from tradescreen.errors import InputError
from tradescreen.sources.base import ParsedFile, sha256_of
from tradescreen.sources.tabular import dict_rows

FEED = Feed.DOD_1260H
REQUIRED = ("Name", "Clean Name", "Alias", "Parent Name", "Start date", "End date")


def _date(value: str, *, file: str, line: int, field: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError as exc:
        raise InputError(f"not an ISO date: {value!r}", file=file, line=line, field=field) from exc


def parse_1260h(path: Path) -> ParsedFile:
    """Parse `1260h.csv` into a ParsedFile with one entry per company and its periods."""
    path = Path(path)
    groups: dict[str, list[tuple[int, dict[str, str]]]] = defaultdict(list)
    for line, row in dict_rows(path, REQUIRED, what="Section 1260H list file"):
        clean = row["Clean Name"] or row["Name"]
        if not clean:
            raise InputError("missing value", file=str(path), line=line, field="Clean Name")
        groups[clean.casefold()].append((line, row))
    entries: list[ListEntry] = []
    events: list[ListingEvent] = []
    relationships: list[Relationship] = []
    for rows in groups.values():
        first_line, first = rows[0]
        name = first["Clean Name"] or first["Name"]
        key = hashlib.sha1(name.casefold().encode()).hexdigest()[:16]
        listed_id = entity_id(FEED, key)
        aliases: list[Name] = []
        periods: list[dict[str, str | None]] = []
        for line, row in rows:
            for alias in (row["Alias"], row.get("Previous Name", "")):
                for a in (x.strip() for x in alias.split(";")):
                    if a and a.casefold() != name.casefold() and all(a != n.value for n in aliases):
                        aliases.append(
                            Name(a, AliasType.FKA if alias is row.get("Previous Name") else AliasType.AKA)
                        )
            start = _date(row["Start date"], file=str(path), line=line, field="Start date")
            end = _date(row["End date"], file=str(path), line=line, field="End date")
            url = row.get("Source Url") or None
            periods.append(
                {
                    "start": start.isoformat() if start else None,
                    "end": end.isoformat() if end else None,
                    "listed_as": row["Name"],
                    "source_url": url,
                }
            )
            cite = Citation(
                text=f"DoD Section 1260H list, {start.isoformat() if start else 'undated'} edition",
                url=url,
                published=start,
            )
            if start:
                events.append(
                    ListingEvent(
                        listed_id,
                        ListSource.DOD1260H,
                        EventType.ADDED,
                        start,
                        f"listed as {row['Name']}",
                        cite,
                        origin="file",
                    )
                )
            if end:
                events.append(
                    ListingEvent(
                        listed_id,
                        ListSource.DOD1260H,
                        EventType.REMOVED,
                        end,
                        "not in the next edition",
                        cite,
                        origin="file",
                    )
                )
            if row["Parent Name"]:
                relationships.append(
                    Relationship(
                        listed_id,
                        row["Parent Name"],
                        RelationshipType.SUBSIDIARY,
                        valid_from=start,
                        valid_to=end,
                        source="DoD 1260H parent",
                    )
                )
        starts = [p["start"] for p in periods if p["start"]]
        open_periods = [p for p in periods if not p["end"]]
        ends = [p["end"] for p in periods if p["end"]]
        entries.append(
            ListEntry(
                entry_key=key,
                source=ListSource.DOD1260H,
                name=name,
                aliases=tuple(aliases),
                countries=("CN",),
                start_date=dt.date.fromisoformat(min(starts)) if starts else None,
                end_date=None if open_periods or not ends else dt.date.fromisoformat(max(ends)),
                linked_to=tuple(dict.fromkeys(r["Parent Name"] for _, r in rows if r["Parent Name"])),
                extra={"periods": periods, "note": first.get("Note", "")},
                line=first_line,
            )
        )
    if not entries:
        raise InputError("no records", file=str(path), line=1)
    return ParsedFile(
        feed=FEED,
        file_name=str(path),
        sha256=sha256_of([path]),
        entries=entries,
        events=events,
        relationships=relationships,
        paths=(path,),
    )
