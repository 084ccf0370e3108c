"""OFAC Enhanced XML (e.g. `CONS_ENHANCED.ZIP` holding `CONS_ENHANCED.XML`).

Entity ids are the same ent_nums as in the legacy CSV, so the XML and the CSV are two
formats of one feed (`ofac_cons` for the consolidated list, `ofac_sdn` for the SDN list).
Typed features (ISIN, listing dates) and low-quality ("weak") aliases are kept.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from xml.etree import ElementTree as ET

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
from tradescreen.sources.archive import read_zip_member
from tradescreen.sources.base import ParsedFile, sha256_of
from tradescreen.sources.countries import country_code
from tradescreen.sources.ofac import ID_LABELS, PROGRAM_SOURCES, parse_ofac_date

NS = "{https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/ENHANCED_XML}"
FEATURE_KEYS = {
    "Listing Date (CMIC)": "cmic_listing_date",
    "Effective Date (CMIC)": "cmic_effective_date",
    "Purchase/Sales For Divestment Date (CMIC)": "cmic_divestment_date",
}
ALIAS_TYPES = {"A.K.A.": AliasType.AKA, "F.K.A.": AliasType.FKA, "N.K.A.": AliasType.NKA}


def _open_xml(path: Path) -> bytes:
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("file is empty", file=str(path), line=1)
    if raw.startswith(b"PK"):
        return read_zip_member(path, raw, ".xml")
    return raw


def _text(element: ET.Element | None, tag: str) -> str:
    found = element.find(NS + tag) if element is not None else None
    return (found.text or "").strip() if found is not None and found.text else ""


def _entity(node: ET.Element, file: str) -> tuple[ListEntry, list[str]]:
    key = node.get("id") or ""
    names: list[Name] = []
    primary = ""
    for name in node.iterfind(f"{NS}names/{NS}name"):
        is_primary = _text(name, "isPrimary") == "true"
        weak = _text(name, "isLowQuality") == "true"
        alias_type = ALIAS_TYPES.get(_text(name, "aliasType"), AliasType.AKA)
        for translation in name.iterfind(f"{NS}translations/{NS}translation"):
            full = _text(translation, "formattedFullName")
            script = _text(translation, "script")
            if not full:
                continue
            if is_primary and not primary and script in ("Latin", ""):
                primary = full
            else:
                name_type = AliasType.WEAK if weak else (AliasType.TRANSLIT if is_primary else alias_type)
                names.append(Name(full, name_type, None if script in ("Latin", "") else script))
    if not primary:
        raise InputError("entity has no primary Latin name", file=file, field=f"entity[@id={key}]/names")
    programs = tuple(
        p.text.strip() for p in node.iterfind(f"{NS}sanctionsPrograms/{NS}sanctionsProgram") if p.text
    )
    source = next((PROGRAM_SOURCES[p] for p in programs if p in PROGRAM_SOURCES), None)
    if source is None:
        source = ListSource.SSI if any("EO13662" in p or "EO14024" in p for p in programs) else ListSource.MBS
    addresses: list[Address] = []
    for address in node.iterfind(f"{NS}addresses/{NS}address"):
        country = _text(address, "country")
        parts: dict[str, str] = {}
        for part in address.iterfind(f".//{NS}addressPart"):
            parts[_text(part, "type")] = _text(part, "value")
        street = ", ".join(v for k, v in parts.items() if k.startswith("ADDRESS"))
        full = ", ".join(
            p
            for p in (
                street,
                parts.get("CITY", ""),
                parts.get("STATE/PROVINCE", ""),
                parts.get("POSTAL CODE", ""),
                country,
            )
            if p
        )
        addresses.append(
            Address(
                full=full,
                street=street or None,
                city=parts.get("CITY") or None,
                state=parts.get("STATE/PROVINCE") or None,
                postal_code=parts.get("POSTAL CODE") or None,
                country=country_code(country),
            )
        )
    identifiers: list[Identifier] = []
    extra: dict[str, str] = {}
    linked: list[str] = []
    for feature in node.iterfind(f"{NS}features/{NS}feature"):
        ftype, value = _text(feature, "type"), _text(feature, "value")
        if ftype in FEATURE_KEYS:
            date = parse_ofac_date(value)
            if date:
                extra[FEATURE_KEYS[ftype]] = date.isoformat()
        elif ftype == "ISIN":
            identifiers.append(Identifier("ISIN", value))
        elif ftype.endswith("Ticker"):
            identifiers.append(Identifier("TICKER", value))
        elif value:
            extra.setdefault(ftype.lower().replace(" ", "_"), value)
    for doc in node.iterfind(f"{NS}identityDocuments/{NS}identityDocument"):
        dtype = _text(doc, "type")
        identifiers.append(
            Identifier(
                ID_LABELS.get(dtype, dtype.upper()),
                _text(doc, "documentNumber"),
                country_code(_text(doc, "issuingCountry")),
            )
        )
    for rel in node.iterfind(f"{NS}relationships/{NS}relationship"):
        other = _text(rel, "relatedEntity")
        if other:
            linked.append(other)
    kind_text = _text(node.find(NS + "generalInfo"), "entityType").lower()
    kind = (
        EntityKind.INDIVIDUAL
        if kind_text == "individual"
        else (EntityKind.VESSEL if kind_text == "vessel" else EntityKind.ENTITY)
    )
    listing = extra.get("cmic_listing_date")
    entry = ListEntry(
        entry_key=key,
        source=source,
        name=primary,
        kind=kind,
        aliases=tuple(dict.fromkeys(names)),
        addresses=tuple(addresses),
        countries=tuple(dict.fromkeys(a.country for a in addresses if a.country)),
        identifiers=tuple(dict.fromkeys(identifiers)),
        programs=programs,
        start_date=dt.date.fromisoformat(listing) if listing else None,
        linked_to=tuple(linked),
        extra=extra,
    )
    return entry, linked


def parse_ofac_xml(path: Path) -> ParsedFile:
    """Parse an OFAC Enhanced XML file (plain or zipped) into a ParsedFile."""
    path = Path(path)
    try:
        root = ET.fromstring(_open_xml(path))
    except ET.ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise InputError(f"malformed XML ({exc})", file=str(path), line=line) from exc
    if root.tag != NS + "sanctionsData":
        raise InputError(
            f"not an OFAC Enhanced XML file: root element is {root.tag!r}, expected sanctionsData"
            f" in namespace {NS[1:-1]}",
            file=str(path),
            line=1,
            field="sanctionsData",
        )
    publication = root.find(NS + "publicationInfo")
    as_of = _text(publication, "dataAsOf")
    if publication is None or not as_of:
        raise InputError(
            "not an OFAC Enhanced XML file: no publicationInfo/dataAsOf",
            file=str(path),
            field="publicationInfo",
        )
    # The list the file publishes decides the feed it replaces: a file that does not say
    # must not silently become the SDN list.
    lists = [
        (e.text or "").strip()
        for e in publication.iterfind(f"{NS}filters/{NS}sanctionsLists/{NS}sanctionsList")
    ]
    if not any(lists):
        raise InputError(
            "not an OFAC Enhanced XML file: no sanctionsList element naming the list"
            " (publicationInfo/filters/sanctionsLists/sanctionsList)",
            file=str(path),
            field="sanctionsList",
        )
    if any("Consolidated" in name for name in lists):
        feed = Feed.OFAC_CONS
    elif any("SDN" in name for name in lists):
        feed = Feed.OFAC_SDN
    else:
        raise InputError(
            f"unknown OFAC list {', '.join(lists)!r}: expected the SDN List or the Consolidated List",
            file=str(path),
            field="sanctionsList",
        )
    if root.find(NS + "entities") is None:
        raise InputError(
            "not an OFAC Enhanced XML file: no entities element", file=str(path), field="entities"
        )
    entries: list[ListEntry] = []
    relationships: list[Relationship] = []
    for node in root.iterfind(f"{NS}entities/{NS}entity"):
        entry, linked = _entity(node, str(path))
        entries.append(entry)
        relationships.extend(
            Relationship(
                entity_id(feed, entry.entry_key), other, RelationshipType.LINKED_TO, source=path.name
            )
            for other in linked
        )
    if not entries:
        raise InputError("no entities", file=str(path))
    return ParsedFile(
        feed=feed,
        file_name=str(path),
        sha256=sha256_of([path]),
        entries=entries,
        published=dt.date.fromisoformat(as_of[:10]) if as_of else None,
        relationships=relationships,
        paths=(path,),
    )
