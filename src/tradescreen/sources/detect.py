"""Pick the parser for a list file, from its name and content.

Feeds (one active version each): `ofac_sdn` (sdn.csv + alt/add/comments), `ofac_cons`
(cons_prim.csv + cons_*; CONS_ENHANCED.ZIP), `csl` (trade.gov CSL CSV/JSON), `bis_dpl`
(dpl.txt), `dod_1260h` (1260h.csv), `bis_meu` (bis_meu.csv, the MIEU list), `ndaa_889`
(ndaa_section_889.csv), `ndaa_1286` (ndaa_section_1286.csv), `fcc_covered`
(fcc_covered_list.csv), `un_sc` (UN consolidated XML), `curated` (the project's YAML histories).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tradescreen.domain import ListFormat
from tradescreen.errors import InputError
from tradescreen.sources.base import ParsedFile

Parser = Callable[[Path], ParsedFile]


def _parsers() -> dict[str, Parser]:
    # Imported here so that importing this module stays cheap.
    from tradescreen.sources.csl import parse_csl_csv, parse_csl_json
    from tradescreen.sources.curated import parse_curated
    from tradescreen.sources.dod1260h import parse_1260h
    from tradescreen.sources.dpl import parse_dpl
    from tradescreen.sources.ofac import parse_ofac_csv
    from tradescreen.sources.ofac_xml import parse_ofac_xml
    from tradescreen.sources.other_lists import parse_fcc, parse_meu, parse_ndaa889, parse_ndaa1286
    from tradescreen.sources.un import parse_un_xml

    return {
        ListFormat.CSL: parse_csl_csv,
        ListFormat.CSL_JSON: parse_csl_json,
        ListFormat.OFAC: parse_ofac_csv,
        ListFormat.OFAC_XML: parse_ofac_xml,
        ListFormat.DPL: parse_dpl,
        ListFormat.DOD_1260H: parse_1260h,
        ListFormat.MEU: parse_meu,
        ListFormat.NDAA_889: parse_ndaa889,
        ListFormat.NDAA_1286: parse_ndaa1286,
        ListFormat.FCC: parse_fcc,
        ListFormat.UN_XML: parse_un_xml,
        ListFormat.CURATED: parse_curated,
    }


FORMATS = tuple(f.value for f in ListFormat)


def detect_format(path: Path) -> ListFormat:
    """The format name of `path`, or an InputError saying it is not a known list file."""
    if path.is_dir() or path.suffix.lower() in (".yaml", ".yml"):
        return ListFormat.CURATED
    if not path.exists():
        raise InputError("no such file", file=str(path))
    name = path.name.lower()
    head = path.read_bytes()[:4096]
    if b"<CONSOLIDATED_LIST" in head:
        return ListFormat.UN_XML
    if head.startswith(b"PK") or name.endswith(".zip") or name.endswith(".xml"):
        return ListFormat.OFAC_XML
    if name.endswith(".json") or head.lstrip()[:1] in (b"{", b"["):
        return ListFormat.CSL_JSON
    first_line = head.split(b"\n", 1)[0]
    if b"Effective_Date" in first_line and b"\t" in first_line:
        return ListFormat.DPL
    if first_line.startswith(b"Name,Clean Name"):
        return ListFormat.DOD_1260H
    if first_line.startswith(b"Type,Name,Alias,Country"):
        return ListFormat.MEU
    if first_line.startswith(b"covered_equipment_or_services"):
        return ListFormat.FCC
    if first_line.startswith(b"schema,name,aliases"):
        # Both NDAA lists share one layout; the section number in the rows tells them apart.
        return ListFormat.NDAA_1286 if b"Section 1286" in head else ListFormat.NDAA_889
    if b"source" in first_line and b"name" in first_line:
        return ListFormat.CSL
    if name in ("sdn.csv", "cons_prim.csv") or first_line.split(b",", 1)[0].strip().isdigit():
        return ListFormat.OFAC
    raise InputError(
        "unknown list format (expected OFAC CSV/XML, trade.gov CSL CSV/JSON, BIS DPL, DoD 1260H,"
        " BIS MIEU, NDAA 889/1286, FCC, UN XML or curated YAML);"
        " pass --format",
        file=str(path),
        line=1,
    )


def open_list_file(path: Path, fmt: str | None = None) -> ParsedFile:
    """Parse `path` with the parser for `fmt` (detected when None)."""
    path = Path(path)
    fmt = fmt or detect_format(path)
    parsers = _parsers()
    if fmt not in parsers:
        raise InputError(f"unknown format {fmt!r}; one of {', '.join(FORMATS)}", field="--format")
    if not path.exists():
        raise InputError("no such file", file=str(path))
    return parsers[fmt](path)
