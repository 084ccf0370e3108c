"""The feeds manifest: every list the product parses, where it is published, and how to read it.

`tradescreen update` (and so `make run`) walks this table; nothing else keeps a list of
files. Each feed names:

- `format`: the parser (one of :data:`tradescreen.sources.detect.FORMATS`);
- `official_url`: the government publication the data comes from;
- `files`: what to download, with the download URL and the path under a mirror laid out
  like `../shared/data` (the first file is the one handed to the parser; the parser finds
  the others beside it);
- `transcribed`: True when the government publishes no machine-readable file (a PDF, a
  statute, a web page) and the download is a public transcription of it. Such feeds are
  as good as the transcription: check an entry against `official_url` before relying on it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file of a feed: where it is published and where a mirror keeps it."""

    url: str
    mirror_path: str
    sha256: str | None = None  # when known in advance (pinned mirrors)
    required: bool = True


@dataclass(frozen=True, slots=True)
class Feed:
    """One feed: a list loaded as successive versions of its own."""

    feed: str
    title: str
    format: str
    official_url: str
    files: tuple[SourceFile, ...]
    transcribed: bool = False


OFAC = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
CSL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/"
# OpenSanctions keeps CSV transcriptions of lists published only as PDF or statute text.
OPENSANCTIONS = "https://raw.githubusercontent.com/opensanctions/opensanctions/main/datasets/us/"

FEEDS: tuple[Feed, ...] = (
    Feed(
        "ofac_sdn",
        "OFAC Specially Designated Nationals (SDN) list",
        "ofac",
        "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists",
        (
            SourceFile(OFAC + "SDN.CSV", "ofac_sdn/sdn.csv"),
            SourceFile(OFAC + "ALT.CSV", "ofac_sdn/alt.csv"),
            SourceFile(OFAC + "ADD.CSV", "ofac_sdn/add.csv"),
            SourceFile(OFAC + "SDN_COMMENTS.CSV", "ofac_sdn/sdn_comments.csv", required=False),
        ),
    ),
    Feed(
        "ofac_cons",
        "OFAC Consolidated (non-SDN) lists: NS-CMIC, SSI, NS-MBS, PLC, CAPTA, FSE",
        "ofac",
        "https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists",
        (
            SourceFile(OFAC + "CONS_PRIM.CSV", "ofac_cons/cons_prim.csv"),
            SourceFile(OFAC + "CONS_ALT.CSV", "ofac_cons/cons_alt.csv"),
            SourceFile(OFAC + "CONS_ADD.CSV", "ofac_cons/cons_add.csv"),
            SourceFile(OFAC + "CONS_COMMENTS.CSV", "ofac_cons/cons_comments.csv", required=False),
        ),
    ),
    Feed(
        "csl",
        "Consolidated Screening List (trade.gov): Entity List, UVL, MEU, ISN, DTC and more",
        "csl",
        "https://www.trade.gov/consolidated-screening-list",
        (SourceFile(CSL + "consolidated.csv", "csl_sample/csl.csv"),),
    ),
    Feed(
        "bis_dpl",
        "BIS Denied Persons List",
        "dpl",
        "https://www.bis.gov/dpl",
        (SourceFile("https://www.bis.doc.gov/dpl/dpl.txt", "csl_sample/dpl.txt"),),
    ),
    Feed(
        "dod_1260h",
        "DoD Section 1260H Chinese military companies (FY2021 NDAA §1260H)",
        "dod1260h",
        "https://www.defense.gov/News/Releases/",
        (SourceFile(OPENSANCTIONS + "dod_chinese_milcorps/sanctions.csv", "dod_1260h/1260h.csv"),),
        transcribed=True,
    ),
    Feed(
        "bis_meu",
        "BIS Military-Intelligence End-User (MIEU) list, 15 CFR 744.22",
        "meu",
        "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744/section-744.22",
        (SourceFile(OPENSANCTIONS + "bis_mieu/mieu.csv", "us_other_lists/bis_meu.csv"),),
        transcribed=True,
    ),
    Feed(
        "ndaa_889",
        "NDAA FY2019 §889 named telecommunications and video-surveillance companies",
        "ndaa889",
        "https://www.acquisition.gov/far/52.204-25",
        (
            SourceFile(
                OPENSANCTIONS + "special_leg/source_files/section_889.csv",
                "us_other_lists/ndaa_section_889.csv",
            ),
        ),
        transcribed=True,
    ),
    Feed(
        "ndaa_1286",
        "DoD NDAA FY2019 §1286 foreign institutions of concern",
        "ndaa1286",
        "https://basicresearch.defense.gov/Programs/Foreign-Influence/",
        (
            SourceFile(
                OPENSANCTIONS + "special_leg/source_files/section_1286.csv",
                "us_other_lists/ndaa_section_1286.csv",
            ),
        ),
        transcribed=True,
    ),
    Feed(
        "fcc_covered",
        "FCC Covered List (Secure and Trusted Communications Networks Act)",
        "fcc",
        "https://www.fcc.gov/supplychain/coveredlist",
        (SourceFile(OPENSANCTIONS + "fcc_covered_list/table.csv", "us_other_lists/fcc_covered_list.csv"),),
        transcribed=True,
    ),
    Feed(
        "un_sc",
        "UN Security Council Consolidated List",
        "un-xml",
        "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list",
        (SourceFile("https://scsanctions.un.org/resources/xml/en/consolidated.xml", "un_consolidated.xml"),),
    ),
)

FEEDS_BY_NAME: dict[str, Feed] = {f.feed: f for f in FEEDS}


def feed_format(feed: str) -> str | None:
    """The parser format of a manifest feed; None for feeds the manifest does not know."""
    known = FEEDS_BY_NAME.get(feed)
    return known.format if known else None
