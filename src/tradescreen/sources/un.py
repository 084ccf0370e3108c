"""UN Security Council Consolidated List (the XML published by the UN Secretariat).

One `INDIVIDUAL` or `ENTITY` element per listed party. The entry key is the UN's
`DATAID` (stable across versions); the permanent reference number (e.g. `QDi.001`) is
kept as an identifier and in `extra`. Names in their original script become
transliteration aliases; aliases of "Low" quality become weak aliases.

The file is parsed with defusedxml: no entity expansion, no external references, so a
hostile or damaged file is refused instead of exhausting memory.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from pathlib import Path
from typing import Any
from xml.etree.ElementTree import Element, ParseError, TreeBuilder

import defusedxml.ElementTree as DET
from defusedxml import DefusedXmlException

from tradescreen.domain import Address, AliasType, EntityKind, Feed, Identifier, ListEntry, ListSource, Name
from tradescreen.errors import InputError
from tradescreen.sources.base import ParsedFile, sha256_of
from tradescreen.sources.countries import country_code

FEED = Feed.UN_SC
LIST_URL = "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list"
ALIAS_QUALITY = {
    "good": AliasType.AKA,
    "a.k.a.": AliasType.AKA,
    "low": AliasType.WEAK,
    "f.k.a.": AliasType.FKA,
}
DOCUMENT_TYPES = {
    "passport": "PASSPORT",
    "numéro de passeport": "PASSPORT",
    "número de pasaporte": "PASSPORT",
    "national identification number": "NATIONAL_ID",
}
# Unicode character-name prefixes -> ISO 15924 script codes (what Name.script holds).
_SCRIPTS = (
    ("ARABIC", "Arab"),
    ("CYRILLIC", "Cyrl"),
    ("CJK", "Hani"),
    ("HANGUL", "Hang"),
    ("HIRAGANA", "Jpan"),
    ("KATAKANA", "Jpan"),
    ("HEBREW", "Hebr"),
    ("GREEK", "Grek"),
    ("THAI", "Thai"),
    ("DEVANAGARI", "Deva"),
)


class _LineTreeBuilder(TreeBuilder):
    """A tree builder that remembers the source line where each element starts."""

    def __init__(self) -> None:
        super().__init__()
        self.lines: dict[int, int] = {}
        self.expat: Any = None  # the expat parser, set once the XMLParser exists

    def start(self, tag: str, attrs: dict[str, str]) -> Element:
        element = super().start(tag, attrs)
        if self.expat is not None:
            self.lines[id(element)] = self.expat.CurrentLineNumber
        return element


def _clean(text: str | None) -> str:
    """Collapse the hard line breaks and runs of spaces the UN file carries inside values."""
    return " ".join((text or "").split())


def _child(node: Element, tag: str) -> str:
    return _clean(node.findtext(tag))


def script_of(text: str) -> str | None:
    """The ISO 15924 code of the first non-Latin letter's script, None for Latin text."""
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for prefix, code in _SCRIPTS:
            if name.startswith(prefix):
                return code
    return None


class _Reader:
    """Turns one INDIVIDUAL/ENTITY element into a ListEntry, naming file and line on errors."""

    def __init__(self, file: str, lines: dict[int, int]) -> None:
        self.file = file
        self.lines = lines

    def line(self, node: Element) -> int | None:
        return self.lines.get(id(node))

    def error(self, message: str, node: Element, field: str) -> InputError:
        return InputError(message, file=self.file, line=self.line(node), field=field)

    def date(self, node: Element, tag: str, *, required: bool = False) -> dt.date | None:
        value = _child(node, tag)
        if not value:
            if required:
                raise self.error("missing value", node, tag)
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError as exc:
            raise self.error(f"not an ISO date: {value!r}", node, tag) from exc

    def entry(self, node: Element, kind: EntityKind) -> ListEntry:
        data_id = _child(node, "DATAID")
        if not data_id:
            raise self.error("missing value", node, "DATAID")
        parts = [_child(node, t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
        name = " ".join(p for p in parts if p)
        if not name:
            raise self.error("missing value", node, "FIRST_NAME")
        reference = _child(node, "REFERENCE_NUMBER")
        listed_on = self.date(node, "LISTED_ON", required=True)
        prefix = "INDIVIDUAL" if kind is EntityKind.INDIVIDUAL else "ENTITY"
        aliases = self.aliases(node, prefix, name)
        addresses = tuple(self.address(a) for a in node.iterfind(f"{prefix}_ADDRESS"))
        addresses = tuple(a for a in addresses if a.full)
        nationalities = [_clean(v.text) for v in node.iterfind("NATIONALITY/VALUE") if _clean(v.text)]
        countries: list[str] = []
        for value in [*nationalities, *(a.country or "" for a in addresses)]:
            code = country_code(value) if len(value) != 2 else value
            if code and code not in countries:
                countries.append(code)
        identifiers = [Identifier("UN_REF", reference)] if reference else []
        identifiers += self.documents(node)
        extra: dict[str, Any] = {"un_dataid": data_id, "reference_number": reference}
        for tag, key in (("TITLE", "title"), ("DESIGNATION", "designation"), ("NATIONALITY", "nationality")):
            values = [_clean(v.text) for v in node.iterfind(f"{tag}/VALUE") if _clean(v.text)]
            if values:
                extra[key] = values
        if gender := _child(node, "GENDER"):
            extra["gender"] = gender
        if kind is EntityKind.INDIVIDUAL:
            births = [b for b in (self.birth_date(d) for d in node.iterfind("INDIVIDUAL_DATE_OF_BIRTH")) if b]
            if births:
                extra["dates_of_birth"] = births
            places = [
                p for p in (self.address(p).full for p in node.iterfind("INDIVIDUAL_PLACE_OF_BIRTH")) if p
            ]
            if places:
                extra["places_of_birth"] = places
        updated = sorted({_clean(v.text) for v in node.iterfind("LAST_DAY_UPDATED/VALUE") if _clean(v.text)})
        if updated:
            extra["last_updated"] = updated
        if original := _child(node, "NAME_ORIGINAL_SCRIPT"):
            extra["name_original_script"] = original
        return ListEntry(
            entry_key=data_id,
            source=ListSource.UN,
            name=name,
            kind=kind,
            aliases=aliases,
            addresses=addresses,
            countries=tuple(countries),
            identifiers=tuple(identifiers),
            programs=(_child(node, "UN_LIST_TYPE"),) if _child(node, "UN_LIST_TYPE") else (),
            start_date=listed_on,
            remarks=_child(node, "COMMENTS1") or None,
            extra=extra,
            source_url=LIST_URL,
            line=self.line(node),
        )

    def aliases(self, node: Element, prefix: str, name: str) -> tuple[Name, ...]:
        names: list[Name] = []
        seen = {name.casefold()}
        original = _child(node, "NAME_ORIGINAL_SCRIPT")
        if original:
            names.append(Name(original, AliasType.TRANSLIT, script_of(original)))
            seen.add(original.casefold())
        for alias in node.iterfind(f"{prefix}_ALIAS"):
            value = _child(alias, "ALIAS_NAME")
            if not value or value.casefold() in seen:
                continue
            seen.add(value.casefold())
            quality = _child(alias, "QUALITY").casefold()
            names.append(Name(value, ALIAS_QUALITY.get(quality, AliasType.AKA), script_of(value)))
        return tuple(names)

    def address(self, node: Element) -> Address:
        street, city, state = _child(node, "STREET"), _child(node, "CITY"), _child(node, "STATE_PROVINCE")
        postal, country = _child(node, "ZIP_CODE"), _child(node, "COUNTRY")
        note = _child(node, "NOTE")
        full = ", ".join(p for p in (street, city, state, postal, country) if p)
        if note and full:
            full = f"{full} ({note})"
        return Address(
            full=full,
            street=street or None,
            city=city or None,
            state=state or None,
            postal_code=postal or None,
            country=country_code(country) if country else None,
        )

    def birth_date(self, node: Element) -> str | None:
        """A date of birth as the list states it: `1971-05-02`, `1971`, `1973-1974`, `circa 1960`."""
        kind = _child(node, "TYPE_OF_DATE").upper()
        exact = _child(node, "DATE")
        year = _child(node, "YEAR")
        if exact:
            self.date(node, "DATE")  # validates
            value = exact[:10]
        elif year:
            value = year
        elif _child(node, "FROM_YEAR") or _child(node, "TO_YEAR"):
            value = f"{_child(node, 'FROM_YEAR')}-{_child(node, 'TO_YEAR')}"
        else:
            return None
        if kind == "APPROXIMATELY":
            value = f"circa {value}"
        return value

    def documents(self, node: Element) -> list[Identifier]:
        found: list[Identifier] = []
        for doc in node.iterfind("INDIVIDUAL_DOCUMENT"):
            number = _child(doc, "NUMBER")
            if not number:
                continue
            label = _child(doc, "TYPE_OF_DOCUMENT")
            kind = DOCUMENT_TYPES.get(label.casefold(), label.upper().replace(" ", "_") or "DOCUMENT")
            issuer = _child(doc, "ISSUING_COUNTRY") or _child(doc, "COUNTRY_OF_ISSUE")
            found.append(Identifier(kind, number, country_code(issuer) if issuer else None))
        return found


def parse_un_xml(path: Path) -> ParsedFile:
    """Parse the UN Security Council consolidated list XML (feed `un_sc`)."""
    path = Path(path)
    file = str(path)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("file is empty", file=file, line=1)
    builder = _LineTreeBuilder()
    parser = DET.DefusedXMLParser(target=builder, forbid_dtd=True)
    builder.expat = getattr(parser, "parser", None)
    try:
        parser.feed(raw)
        root = parser.close()
    except ParseError as exc:
        line = exc.position[0] if exc.position else None
        raise InputError(f"not well-formed XML ({exc})", file=file, line=line) from exc
    except DefusedXmlException as exc:
        raise InputError(f"refused unsafe XML ({exc})", file=file) from exc
    if root.tag != "CONSOLIDATED_LIST":
        raise InputError(f"root element is {root.tag!r}, not CONSOLIDATED_LIST", file=file, line=1)
    reader = _Reader(file, builder.lines)
    entries = [reader.entry(n, EntityKind.INDIVIDUAL) for n in root.iterfind("INDIVIDUALS/INDIVIDUAL")]
    entries += [reader.entry(n, EntityKind.ENTITY) for n in root.iterfind("ENTITIES/ENTITY")]
    if not entries:
        raise InputError("no INDIVIDUAL or ENTITY records", file=file, line=1)
    keys: dict[str, int | None] = {}
    for entry in entries:
        if entry.entry_key in keys:
            raise InputError(
                f"DATAID {entry.entry_key} appears twice (first on line {keys[entry.entry_key]})",
                file=file,
                line=entry.line,
                field="DATAID",
            )
        keys[entry.entry_key] = entry.line
    generated = root.get("dateGenerated") or ""
    try:
        published = dt.date.fromisoformat(generated[:10]) if generated else None
    except ValueError as exc:
        raise InputError(f"not a date: {generated!r}", file=file, line=2, field="dateGenerated") from exc
    return ParsedFile(
        feed=FEED,
        file_name=file,
        sha256=sha256_of([path]),
        entries=entries,
        published=published,
        paths=(path,),
    )
