"""The BIS Denied Persons List: a tab-separated, quoted text file with a header."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

from tradescreen.domain import Address, Citation, EntityKind, Feed, ListEntry, ListSource
from tradescreen.errors import InputError
from tradescreen.sources.base import ParsedFile, sha256_of
from tradescreen.sources.tabular import dict_rows

REQUIRED = ("Name", "Street_Address", "City", "Country", "Effective_Date", "Expiration_Date", "FR_Citation")
_FR_RE = re.compile(r"\d+ F\.?R\.? \d+(?: \d{1,2}/\d{1,2}/\d{2,4})?")


def _date(value: str, *, file: str, line: int, field: str) -> dt.date | None:
    if not value:
        return None
    for fmt in ("%m/%d/%Y", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise InputError(f"not a date: {value!r}", file=file, line=line, field=field)


def parse_dpl(path: Path) -> ParsedFile:
    """Parse `dpl.txt` into a ParsedFile (feed `bis_dpl`); DPL orders have end dates."""
    path = Path(path)
    entries: list[ListEntry] = []
    seen: dict[str, int] = {}
    for line, row in dict_rows(path, REQUIRED, delimiter="\t", what="Denied Persons List file"):
        name = row["Name"].strip()
        if not name:
            raise InputError("missing value", file=str(path), line=line, field="Name")
        street, city, state = row["Street_Address"], row["City"], row.get("State", "")
        postal, country = row.get("Postal_Code", ""), row["Country"]
        full = ", ".join(p for p in (street, city, state, postal, country) if p)
        # No ids in this file: name, order (citation, date) and address identify a row.
        basis = f"{name.casefold()}|{row['FR_Citation']}|{row['Effective_Date']}|{full}"
        base = hashlib.sha1(basis.encode()).hexdigest()[:16]
        # The same person can appear twice (two orders); keep both, keyed apart.
        seen[base] = seen.get(base, 0) + 1
        key = base if seen[base] == 1 else f"{base}-{seen[base]}"
        citations = tuple(Citation(text=c) for c in _FR_RE.findall(row["FR_Citation"]))
        entries.append(
            ListEntry(
                entry_key=key,
                source=ListSource.DPL,
                name=name,
                kind=EntityKind.ENTITY,
                addresses=(
                    Address(
                        full=full,
                        street=street or None,
                        city=city or None,
                        state=state or None,
                        postal_code=postal or None,
                        country=country or None,
                    ),
                ),
                countries=(country,) if country else (),
                federal_register=citations,
                start_date=_date(row["Effective_Date"], file=str(path), line=line, field="Effective_Date"),
                end_date=_date(row["Expiration_Date"], file=str(path), line=line, field="Expiration_Date"),
                extra={
                    k: v
                    for k, v in (
                        ("standard_order", row.get("Standard_Order", "")),
                        ("action", row.get("Action", "")),
                        ("last_update", row.get("Last_Update", "")),
                    )
                    if v
                },
                line=line,
            )
        )
    if not entries:
        raise InputError("no records", file=str(path), line=1)
    return ParsedFile(
        feed=Feed.BIS_DPL, file_name=str(path), sha256=sha256_of([path]), entries=entries, paths=(path,)
    )
