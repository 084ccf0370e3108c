"""OFAC legacy CSV files: the SDN list and the consolidated non-SDN lists.

`sdn.csv` (or `cons_prim.csv`) has no header: ent_num, name, type, program, title,
call sign, vessel type, tonnage, GRT, vessel flag, vessel owner, remarks; `-0- ` means
empty, and a real file ends with the Ctrl-Z marker (0x1A). The sibling files
(`alt.csv`, `add.csv`, `sdn_comments.csv`, or `cons_*`) carry aliases, addresses and the
overflow of long remarks; they are optional but read together when present.
Remarks are parsed into structured fields: identifiers (ISIN, USCC, tickers,
passports...), CMIC listing/effective/divestment dates, DOB/POB, "Linked To" parties.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path

from tradescreen.domain import (
    Address,
    AliasType,
    EntityKind,
    Feed,
    Identifier,
    ListEntry,
    ListSource,
    Name,
    Relationship,
    RelationshipType,
    entity_id,
)
from tradescreen.errors import InputError
from tradescreen.sources.base import ParsedFile, sha256_of
from tradescreen.sources.countries import country_code
from tradescreen.sources.tabular import checked_rows, read_text

EMPTY = "-0-"
EOF_MARK = "\x1a"
PRIMARY_COLUMNS = 12

# Sibling file names per primary file.
SIBLINGS = {
    "sdn.csv": ("alt.csv", "add.csv", "sdn_comments.csv"),
    "cons_prim.csv": ("cons_alt.csv", "cons_add.csv", "cons_comments.csv"),
}

# Entry fields each sibling file (in SIBLINGS order: alt, add, comments) carries; when the
# file is missing, those fields are unknown in the version, not empty.
SIBLING_FIELDS: tuple[tuple[str, ...], ...] = (
    ("aliases",),
    ("addresses", "countries"),
    ("remarks", "identifiers", "linked_to", "extra", "start_date", "aliases"),
)

PROGRAM_SOURCES: dict[str, ListSource] = {
    "CMIC-EO13959": ListSource.CMIC,
    "NS-PLC": ListSource.PLC,
    "FSE-IR": ListSource.FSE,
    "FSE-SY": ListSource.FSE,
    "FSE-WMD": ListSource.FSE,
    "FSE-SDGT": ListSource.FSE,
    "CAATSA - RUSSIA": ListSource.MBS,
    "NS-ISA": ListSource.MBS,
}

# "Label value (Country)" identifier patterns found in remarks, label -> identifier type.
ID_LABELS: dict[str, str] = {
    "ISIN": "ISIN",
    "Unified Social Credit Code (USCC)": "USCC",
    "Passport": "PASSPORT",
    "National ID No.": "NATIONAL_ID",
    "Identification Number": "ID",
    "Tax ID No.": "TAX_ID",
    "Registration ID": "REGISTRATION_ID",
    "Registration Number": "REGISTRATION_ID",
    "Vessel Registration Identification IMO": "IMO",
    "IMO": "IMO",
    "MMSI": "MMSI",
    "SWIFT/BIC": "SWIFT",
    "Cedula No.": "CEDULA",
    "C.U.R.P.": "CURP",
    "RFC": "RFC",
    "D-U-N-S Number": "DUNS",
    "Digital Currency Address - XBT": "XBT",
    "Digital Currency Address - ETH": "ETH",
}
_ID_RE = re.compile(
    r"^(?:alt\. )?(" + "|".join(re.escape(k) for k in sorted(ID_LABELS, key=len, reverse=True)) + r")"
    r"\s+([^()]+?)(?:\s+\(([^)]+)\))?$"
)
_TICKER_RE = re.compile(r"^(?:alt\. )?(?:Equity )?Ticker\s+(.+?)(?:;|$)")
_CMIC_DATE_RE = re.compile(
    r"^(Listing Date|Effective Date|Purchase/Sales For Divestment Date) \(CMIC\)\s+(\d{1,2} \w{3} \d{4})"
)
_AKA_RE = re.compile(r"^(a\.k\.a\.|f\.k\.a\.|n\.k\.a\.)\s+'(.+)'$")
_CMIC_KEYS = {
    "Listing Date": "cmic_listing_date",
    "Effective Date": "cmic_effective_date",
    "Purchase/Sales For Divestment Date": "cmic_divestment_date",
}


def _clean(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return None if value in ("", EMPTY) else value


def parse_ofac_date(text: str) -> dt.date | None:
    """Parse OFAC's `03 Jun 2021` style; None when it is not a full date."""
    try:
        return dt.datetime.strptime(text.strip(), "%d %b %Y").date()
    except ValueError:
        return None


def _rows(
    path: Path, width: int, *, required: bool = True, need_marker: bool = False
) -> Iterator[tuple[int, list[str]]]:
    """CSV rows of an OFAC file with their line numbers, checked for width.

    OFAC ends its files with Ctrl-Z (0x1A); for the primary file its absence means the
    download was cut short, which the checks on widths alone could miss.
    """
    # OFAC has published its legacy files in Windows-1252 as well as UTF-8.
    text = read_text(path, ("utf-8", "cp1252"))
    body, marker, tail = text.partition(EOF_MARK)
    if marker and tail.strip():
        raise InputError(
            "data after the end-of-file marker (0x1A)", file=str(path), line=body.count("\n") + 1
        )
    reader = csv.reader(io.StringIO(body))
    line = 1
    for row in checked_rows(reader, path):
        start = line
        line = reader.line_num + 1
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != width:
            snippet = ",".join(row)[:60]
            raise InputError(
                f"expected {width} comma-separated fields, found {len(row)} ({snippet!r})",
                file=str(path),
                line=start,
                field=f"column {min(len(row), width) + 1}" if len(row) < width else "row",
            )
        key = row[0].strip()
        if not key.isdigit():
            raise InputError(
                f"ent_num must be a number, got {key!r}", file=str(path), line=start, field="ent_num"
            )
        yield start, row
    if required and line == 1:
        raise InputError("no records", file=str(path), line=1)
    if need_marker and not marker:
        raise InputError(
            "no end-of-file marker (0x1A): the file is truncated or not an OFAC list file",
            file=str(path),
            line=line,
        )


def _split_remarks(remarks: str) -> list[str]:
    parts = [p.strip() for p in remarks.split(";")]
    if parts and parts[-1].endswith("."):
        parts[-1] = parts[-1][:-1]
    return [p for p in parts if p]


def parse_remarks(remarks: str) -> tuple[list[Identifier], list[str], dict[str, str], list[Name]]:
    """Pull identifiers, linked parties, extra facts and quoted aliases out of Remarks."""
    ids: list[Identifier] = []
    linked: list[str] = []
    extra: dict[str, str] = {}
    aliases: list[Name] = []
    for part in _split_remarks(remarks):
        if part.startswith("Linked To:"):
            linked.append(part.removeprefix("Linked To:").strip().rstrip("."))
            continue
        if m := _CMIC_DATE_RE.match(part):
            date = parse_ofac_date(m.group(2))
            if date:
                extra[_CMIC_KEYS[m.group(1)]] = date.isoformat()
            continue
        if m := _TICKER_RE.match(part):
            ids.append(Identifier("TICKER", m.group(1).strip()))
            continue
        if m := _AKA_RE.match(part):
            # In the CSV formats, weak AKAs are the quoted ones in Remarks (OFAC FAQ 123).
            kind = {"a.k.a.": AliasType.WEAK, "f.k.a.": AliasType.FKA, "n.k.a.": AliasType.NKA}[m.group(1)]
            aliases.append(Name(m.group(2), kind))
            continue
        if m := _ID_RE.match(part):
            country = m.group(3)
            ids.append(
                Identifier(ID_LABELS[m.group(1)], m.group(2).strip(), country_code(country) or country)
            )
            continue
        for label, key in (
            ("DOB ", "dob"),
            ("POB ", "pob"),
            ("nationality ", "nationality"),
            ("citizen ", "citizenship"),
            ("Gender ", "gender"),
            ("Target Type ", "target_type"),
            ("Issuer Name ", "issuer_name"),
        ):
            if part.startswith(label) and key not in extra:
                extra[key] = part[len(label) :].strip()
                break
    return ids, linked, extra, aliases


def person_facts(remarks: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Dates of birth, places of birth and nationalities (ISO codes) from Remarks."""
    dobs: list[str] = []
    pobs: list[str] = []
    nationalities: list[str] = []
    for part in _split_remarks(remarks):
        part = part.removeprefix("alt. ")
        if part.startswith("DOB "):
            dobs.append(part[4:].strip())
        elif part.startswith("POB "):
            pobs.append(part[4:].strip())
        elif part.startswith(("nationality ", "citizen ")):
            country = part.split(" ", 1)[1].strip()
            nationalities.append(country_code(country) or country)
    return tuple(dict.fromkeys(dobs)), tuple(dict.fromkeys(pobs)), tuple(dict.fromkeys(nationalities))


def _kind(value: str | None, vessel_type: str | None) -> EntityKind:
    if value == "individual":
        return EntityKind.INDIVIDUAL
    if value == "vessel" or vessel_type:
        return EntityKind.VESSEL
    if value == "aircraft":
        return EntityKind.AIRCRAFT
    return EntityKind.ENTITY


def _source_for(programs: list[str], default: ListSource) -> ListSource:
    for program in programs:
        if program in PROGRAM_SOURCES:
            return PROGRAM_SOURCES[program]
        if program.startswith("FSE-"):
            return ListSource.FSE
    if default is ListSource.SDN:
        return ListSource.SDN
    if any(p in ("UKRAINE-EO13662", "RUSSIA-EO14024") for p in programs):
        return ListSource.SSI
    return ListSource.MBS if programs else default


def parse_ofac_csv(path: Path) -> ParsedFile:
    """Parse an OFAC legacy primary file with its sibling files into a ParsedFile."""
    path = Path(path)
    base = path.name.lower()
    sibling_names = SIBLINGS.get(
        base, SIBLINGS["sdn.csv"] if "cons" not in base else SIBLINGS["cons_prim.csv"]
    )
    siblings = [path.with_name(n) for n in sibling_names]
    present = [p for p in siblings if p.exists()]
    feed = Feed.OFAC_CONS if base.startswith("cons") else Feed.OFAC_SDN
    default_source = ListSource.SDN if feed == Feed.OFAC_SDN else ListSource.MBS
    sha = sha256_of([path, *present])

    # Validate and read everything before yielding: a broken sibling must fail the load.
    alt_path, add_path, comments_path = siblings
    aliases: dict[str, list[Name]] = defaultdict(list)
    if alt_path.exists():
        for _line, row in _rows(alt_path, 5, required=False):
            name = _clean(row[3])
            if name:
                kind = {"aka": AliasType.AKA, "fka": AliasType.FKA, "nka": AliasType.NKA}.get(
                    (_clean(row[2]) or "aka").lower(), AliasType.AKA
                )
                if (_clean(row[2]) or "").lower() == "aka" and (_clean(row[4]) or "").lower().startswith(
                    "weak"
                ):
                    kind = AliasType.WEAK
                aliases[row[0].strip()].append(Name(name, kind))
    addresses: dict[str, list[Address]] = defaultdict(list)
    if add_path.exists():
        for _line, row in _rows(add_path, 6, required=False):
            street, city, country, remark = _clean(row[2]), _clean(row[3]), _clean(row[4]), _clean(row[5])
            full = ", ".join(p for p in (street, city, country) if p)
            if full or remark:
                addresses[row[0].strip()].append(
                    Address(
                        full=full or (remark or ""), street=street, city=city, country=country_code(country)
                    )
                )
    comments: dict[str, str] = {}
    if comments_path.exists():
        for _line, row in _rows(comments_path, 2, required=False):
            comments[row[0].strip()] = comments.get(row[0].strip(), "") + row[1]
    primary = list(_rows(path, PRIMARY_COLUMNS, need_marker=True))

    relationships: list[Relationship] = []
    entries: list[ListEntry] = []
    for line, row in primary:
        key = row[0].strip()
        name = _clean(row[1])
        if not name:
            raise InputError("empty name", file=str(path), line=line, field="SDN_Name")
        programs = [
            p.strip() for p in (_clean(row[3]) or "").replace("] [", ";").strip("[]").split(";") if p.strip()
        ]
        remarks = (_clean(row[11]) or "") + comments.get(key, "")
        ids, linked, extra, remark_aliases = parse_remarks(remarks) if remarks else ([], [], {}, [])
        dobs, pobs, nationalities = person_facts(remarks) if remarks else ((), (), ())
        for label, col in (
            ("title", 4),
            ("call_sign", 5),
            ("vessel_type", 6),
            ("tonnage", 7),
            ("grt", 8),
            ("vessel_flag", 9),
            ("vessel_owner", 10),
        ):
            value = _clean(row[col])
            if value:
                extra[label] = value
        addr = tuple(addresses.get(key, ()))
        countries = tuple(dict.fromkeys(a.country for a in addr if a.country))
        source = _source_for(programs, default_source)
        entry = ListEntry(
            entry_key=key,
            source=source,
            name=name,
            kind=_kind(_clean(row[2]), _clean(row[6])),
            aliases=tuple(dict.fromkeys([*aliases.get(key, []), *remark_aliases])),
            addresses=addr,
            countries=countries,
            identifiers=tuple(dict.fromkeys(ids)),
            programs=tuple(programs),
            start_date=dt.date.fromisoformat(extra["cmic_listing_date"])
            if "cmic_listing_date" in extra
            else None,
            remarks=remarks or None,
            linked_to=tuple(linked),
            dates_of_birth=dobs,
            places_of_birth=pobs,
            nationalities=nationalities,
            extra=extra,
            line=line,
        )
        entries.append(entry)
        for other in linked:
            relationships.append(
                Relationship(
                    subject=entity_id(feed, key),
                    object=other,
                    type=RelationshipType.LINKED_TO,
                    source=f"{path.name} remarks",
                )
            )
    missing = [p.name for p in siblings if not p.exists()]
    warnings = (
        [
            f"{path.name} loaded without {', '.join(missing)} (not found next to it): aliases,"
            " addresses or long remarks from those files are unknown in this version"
        ]
        if missing
        else []
    )
    unknown: dict[str, list[str]] = {}
    for sibling, fields in zip(siblings, SIBLING_FIELDS, strict=True):
        if not sibling.exists():
            for name_of_field in fields:
                unknown.setdefault(name_of_field, []).append(sibling.name)
    return ParsedFile(
        feed=feed,
        file_name=str(path),
        sha256=sha,
        entries=entries,
        relationships=relationships,
        paths=(path, *present),
        warnings=warnings,
        unknown_fields=unknown,
    )
