"""The UN Security Council consolidated list parser, on the real XML in ../shared/data."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from tradescreen.domain import AliasType, EntityKind, ListSource
from tradescreen.errors import InputError
from tradescreen.sources.detect import detect_format, open_list_file
from tradescreen.sources.un import parse_un_xml, script_of


@pytest.fixture(scope="module")
def un_file(shared_data: Path) -> Path:
    return shared_data / "un_consolidated.xml"


def test_every_record_is_parsed(un_file: Path) -> None:
    assert detect_format(un_file) == "un-xml"
    root = ET.parse(un_file).getroot()
    individuals = root.findall("INDIVIDUALS/INDIVIDUAL")
    entities = root.findall("ENTITIES/ENTITY")
    parsed = open_list_file(un_file)
    entries = list(parsed.entries)
    assert parsed.feed == "un_sc"
    assert parsed.published == dt.date.fromisoformat(root.get("dateGenerated", "")[:10])
    assert len(entries) == len(individuals) + len(entities)
    assert sum(e.kind is EntityKind.INDIVIDUAL for e in entries) == len(individuals)
    assert all(e.source is ListSource.UN for e in entries)
    assert len({e.entry_key for e in entries}) == len(entries)
    # every entry carries its UN reference number, listed-on date and the line it starts on
    refs = {(n.findtext("REFERENCE_NUMBER") or "").strip() for n in [*individuals, *entities]}
    assert {i.value for e in entries for i in e.identifiers if i.type == "UN_REF"} == refs
    assert all(e.start_date is not None and e.line for e in entries)


def test_individual_fields_match_the_file(un_file: Path) -> None:
    root = ET.parse(un_file).getroot()
    node = next(n for n in root.iter("INDIVIDUAL") if n.findtext("REFERENCE_NUMBER") == "IQi.001")
    entry = next(e for e in parse_un_xml(un_file).entries if e.entry_key == node.findtext("DATAID"))
    parts = [node.findtext(t) for t in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")]
    assert entry.name == " ".join(p.strip() for p in parts if p and p.strip())
    assert entry.kind is EntityKind.INDIVIDUAL
    assert entry.start_date == dt.date.fromisoformat(node.findtext("LISTED_ON") or "")
    original = (node.findtext("NAME_ORIGINAL_SCRIPT") or "").strip()
    translit = [a for a in entry.aliases if a.alias_type is AliasType.TRANSLIT]
    assert [(a.value, a.script) for a in translit] == [(original, "Arab")]
    assert entry.extra["dates_of_birth"] == [node.findtext("INDIVIDUAL_DATE_OF_BIRTH/DATE")]
    assert entry.countries == ("IQ",)
    assert entry.programs == ("Iraq",)


def test_aliases_documents_addresses(un_file: Path) -> None:
    root = ET.parse(un_file).getroot()
    entries = {e.entry_key: e for e in parse_un_xml(un_file).entries}
    # an individual with a passport number in the file
    node = next(n for n in root.iter("INDIVIDUAL") if n.findtext("INDIVIDUAL_DOCUMENT/NUMBER"))
    entry = entries[node.findtext("DATAID") or ""]
    number = " ".join((node.findtext("INDIVIDUAL_DOCUMENT/NUMBER") or "").split())
    assert number in {i.value for i in entry.identifiers}
    # low-quality aliases are weak; good ones are plain a.k.a.
    aliases = root.iter("INDIVIDUAL_ALIAS")
    low = next(a for a in aliases if a.findtext("QUALITY") == "Low" and a.findtext("ALIAS_NAME"))
    owner = next(n for n in root.iter("INDIVIDUAL") if low in list(n))
    parsed = entries[owner.findtext("DATAID") or ""]
    weak = {a.value for a in parsed.aliases if a.alias_type is AliasType.WEAK}
    assert " ".join((low.findtext("ALIAS_NAME") or "").split()) in weak
    # an entity's street address, with its country code
    ent = next(n for n in root.iter("ENTITY") if n.findtext("ENTITY_ADDRESS/STREET"))
    address = entries[ent.findtext("DATAID") or ""].addresses[0]
    assert address.street == " ".join((ent.findtext("ENTITY_ADDRESS/STREET") or "").split())
    country = ent.findtext("ENTITY_ADDRESS/COUNTRY")
    assert country is None or address.country is not None


def test_script_of() -> None:
    assert script_of("صدام") == "Arab"
    assert script_of("国防科技大学") == "Hani"
    assert script_of("Иванов") == "Cyrl"
    assert script_of("SADDAM") is None


def _broken(tmp_path: Path, un_file: Path, old: str, new: str) -> Path:
    text = un_file.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "consolidated.xml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_bad_date_names_line_and_field(tmp_path: Path, un_file: Path) -> None:
    good, bad = "<LISTED_ON>2012-12-31</LISTED_ON>", "<LISTED_ON>31/12/2012</LISTED_ON>"
    path = _broken(tmp_path, un_file, good, bad)
    with pytest.raises(InputError) as err:
        parse_un_xml(path)
    assert err.value.field == "LISTED_ON" and err.value.line is not None and err.value.line > 1
    assert "31/12/2012" in str(err.value)


def test_truncated_file_is_refused(tmp_path: Path, un_file: Path) -> None:
    path = tmp_path / "consolidated.xml"
    path.write_bytes(un_file.read_bytes()[:50_000])
    with pytest.raises(InputError) as err:
        parse_un_xml(path)
    assert "not well-formed" in str(err.value) and err.value.line


def test_entity_expansion_is_refused(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
        "<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL><DATAID>1</DATAID><FIRST_NAME>&b;</FIRST_NAME>"
        "<LISTED_ON>2020-01-01</LISTED_ON></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="unsafe XML"):
        parse_un_xml(bomb)
