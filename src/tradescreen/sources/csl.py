"""The trade.gov Consolidated Screening List (CSL), as CSV or JSON.

One row per list entry; `source` names the list ("Entity List (EL) - Bureau of Industry
and Security"), the code in parentheses is the short code. Multi-valued columns
(`alt_names`, `addresses`, `ids`) are separated by `; `.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from tradescreen.config import MAX_JSON_DEPTH_DEFAULT, int_setting
from tradescreen.domain import (
    Address,
    AliasType,
    Citation,
    EntityKind,
    Feed,
    Identifier,
    ListEntry,
    ListSource,
    Name,
)
from tradescreen.errors import InputError
from tradescreen.sources.base import ParsedFile, sha256_of
from tradescreen.sources.countries import country_code
from tradescreen.sources.tabular import dict_rows, read_text

REQUIRED_COLUMNS = ("source", "name")
_CODE_RE = re.compile(r"\(([A-Z][A-Z0-9-]*)(?: List)?\)")
CODE_ALIASES = {"NS-MBS": "MBS", "NS-CMIC": "CMIC", "CMIC": "CMIC", "CAP": "CAP", "EL": "EL"}


def source_from_label(label: str) -> ListSource | None:
    """Map a CSL `source` label to its ListSource by the code in parentheses."""
    match = _CODE_RE.search(label)
    if not match:
        return None
    code = CODE_ALIASES.get(match.group(1), match.group(1))
    try:
        return ListSource(code)
    except ValueError:
        return None


def _split(value: str | None) -> list[str]:
    return [p.strip() for p in (value or "").split(";") if p.strip()]


def _date(value: str | None, *, file: str, line: int, field: str) -> dt.date | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError as exc:
        raise InputError(f"not an ISO date: {value!r}", file=file, line=line, field=field) from exc


def _identifiers(value: str | None) -> list[Identifier]:
    # CSV form: "US, 80-0890696, Tax ID No.; 7722515837, Tax ID No."
    out: list[Identifier] = []
    for part in _split(value):
        bits = [b.strip() for b in part.split(",")]
        if len(bits) >= 3 and len(bits[0]) == 2 and bits[0].isupper():
            out.append(Identifier(bits[2].upper(), bits[1], bits[0]))
        elif len(bits) >= 2:
            out.append(Identifier(bits[-1].upper(), bits[0]))
    return out


def _address(text: str) -> Address:
    parts = [p.strip() for p in text.split(",") if p.strip()]
    country = parts[-1] if parts and len(parts[-1]) == 2 and parts[-1].isupper() else None
    return Address(full=text, country=country or country_code(parts[-1]) if parts else None)


def _entry(row: Mapping[str, Any], *, file: str, line: int) -> ListEntry:
    for column in REQUIRED_COLUMNS:
        if not str(row.get(column) or "").strip():
            raise InputError("missing value", file=file, line=line, field=column)
    label = str(row["source"]).strip()
    source = source_from_label(label)
    if source is None:
        raise InputError(f"unknown list {label!r}", file=file, line=line, field="source")
    name = str(row["name"]).strip()
    number = str(row.get("entity_number") or row.get("_id") or "").strip()
    if not number:
        # Rows without an id (DPL, ISN...): the name, notice, date and address identify them;
        # a renamed row of this kind shows in a diff as removed plus added.
        basis = "|".join(_text(row.get(c)) for c in ("federal_register_notice", "start_date", "addresses"))
        number = hashlib.sha1(f"{name.casefold()}|{basis}".encode()).hexdigest()[:16]
    kind_text = str(row.get("type") or "").strip().lower()
    kind = {
        "individual": EntityKind.INDIVIDUAL,
        "vessel": EntityKind.VESSEL,
        "aircraft": EntityKind.AIRCRAFT,
    }.get(kind_text, EntityKind.ENTITY)
    addresses = [_address(a) for a in _split(_text(row.get("addresses")))]
    alt_names = [Name(a, AliasType.AKA) for a in _split(_text(row.get("alt_names")))]
    fr = _text(row.get("federal_register_notice"))
    citations = tuple(Citation(text=c) for c in _split(fr)) if fr else ()
    extra: dict[str, Any] = {}
    for column in (
        "title",
        "standard_order",
        "call_sign",
        "vessel_type",
        "gross_tonnage",
        "vessel_flag",
        "vessel_owner",
        "dates_of_birth",
        "places_of_birth",
        "nationalities",
        "citizenships",
        "source_information_url",
    ):
        value = _text(row.get(column))
        if value:
            extra[column] = value
    remarks = _text(row.get("remarks")) or None
    linked = re.findall(r"Linked To: ([^);]+)", remarks or "")
    return ListEntry(
        entry_key=f"{source.value}:{number}",
        source=source,
        name=name,
        kind=kind,
        aliases=tuple(alt_names),
        addresses=tuple(addresses),
        countries=tuple(dict.fromkeys(a.country for a in addresses if a.country)),
        identifiers=tuple(_identifiers(_text(row.get("ids")))),
        programs=tuple(_split(_text(row.get("programs")))),
        federal_register=citations,
        license_requirement=_text(row.get("license_requirement")) or None,
        license_policy=_text(row.get("license_policy")) or None,
        start_date=_date(_text(row.get("start_date")), file=file, line=line, field="start_date"),
        end_date=_date(_text(row.get("end_date")), file=file, line=line, field="end_date"),
        remarks=remarks,
        linked_to=tuple(s.strip() for s in linked),
        dates_of_birth=tuple(_split(_text(row.get("dates_of_birth")))),
        places_of_birth=tuple(_split(_text(row.get("places_of_birth")))),
        nationalities=tuple(
            dict.fromkeys(
                country_code(c) or c
                for column in ("nationalities", "citizenships")
                for c in _split(_text(row.get(column)))
            )
        ),
        extra=extra,
        source_url=_text(row.get("source_list_url")) or None,
        line=line,
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_text(v) for v in value)
    if isinstance(value, dict):
        # JSON form of ids/addresses: join the meaningful values
        return ", ".join(str(v) for v in value.values() if v)
    return str(value).strip()


def _unique_keys(entries: list[ListEntry]) -> list[ListEntry]:
    """Exact duplicate rows (same name, notice and address) are numbered in file order."""
    seen: Counter[str] = Counter()
    out = []
    for entry in entries:
        seen[entry.entry_key] += 1
        if seen[entry.entry_key] > 1:
            entry = replace(entry, entry_key=f"{entry.entry_key}-{seen[entry.entry_key]}")
        out.append(entry)
    return out


def parse_csl_csv(path: Path) -> ParsedFile:
    """Parse the CSL CSV download into a ParsedFile (feed `csl`)."""
    path = Path(path)
    entries = _unique_keys(
        [
            _entry(row, file=str(path), line=line)
            for line, row in dict_rows(path, REQUIRED_COLUMNS, what="Consolidated Screening List CSV")
        ]
    )
    if not entries:
        raise InputError("no records", file=str(path), line=1)
    return ParsedFile(
        feed=Feed.CSL, file_name=str(path), sha256=sha256_of([path]), entries=entries, paths=(path,)
    )


def check_json_depth(document: Any, path: Path) -> None:
    """Refuse JSON nested deeper than `TRADESCREEN_MAX_JSON_DEPTH` (default 32) levels:
    the CSL has three, and deep nesting only serves to exhaust the parser."""
    limit = int_setting("TRADESCREEN_MAX_JSON_DEPTH", MAX_JSON_DEPTH_DEFAULT)
    stack: list[tuple[Any, int, str]] = [(document, 1, "")]
    while stack:
        value, depth, where = stack.pop()
        if depth > limit:
            raise InputError(
                f"JSON nested more than {limit} levels deep (TRADESCREEN_MAX_JSON_DEPTH)",
                file=str(path),
                field=where or None,
            )
        if isinstance(value, dict):
            stack.extend((v, depth + 1, f"{where}.{k}" if where else str(k)) for k, v in value.items())
        elif isinstance(value, list):
            stack.extend((v, depth + 1, f"{where}[{i}]") for i, v in enumerate(value))


def parse_csl_json(path: Path) -> ParsedFile:
    """Parse the CSL JSON download (`{"results": [...]}` or a plain list)."""
    path = Path(path)
    try:
        document = json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg}", file=str(path), line=exc.lineno) from exc
    except RecursionError as exc:
        raise InputError("JSON nested too deeply", file=str(path), line=1) from exc
    check_json_depth(document, path)
    rows = document.get("results", document.get("data")) if isinstance(document, dict) else document
    if not isinstance(rows, list):
        raise InputError("expected a list of results", file=str(path), line=1, field="results")
    entries = []
    for index, row in enumerate(rows, start=1):
        if not isinstance(row, dict):
            raise InputError(
                "result is not an object", file=str(path), line=index, field=f"results[{index - 1}]"
            )
        entries.append(_entry(row, file=f"{path} (result {index})", line=index))
    entries = _unique_keys(entries)
    if not entries:
        raise InputError("no records", file=str(path), line=1)
    return ParsedFile(
        feed=Feed.CSL, file_name=str(path), sha256=sha256_of([path]), entries=entries, paths=(path,)
    )
