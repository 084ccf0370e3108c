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

from tradescreen.domain import Feed, ListFormat


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One file of a feed: where it is published and where a mirror keeps it."""

    url: str
    mirror_path: str
    sha256: str | None = None  # when known in advance (pinned mirrors)
    required: bool = True


@dataclass(frozen=True, slots=True)
class FeedSpec:
    """One feed: a list loaded as successive versions of its own."""

    feed: Feed
    title: str
    format: ListFormat
    official_url: str
    files: tuple[SourceFile, ...]
    transcribed: bool = False


OFAC = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/"
CSL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/"
# OpenSanctions keeps CSV transcriptions of lists published only as PDF or statute text.
OPENSANCTIONS = "https://raw.githubusercontent.com/opensanctions/opensanctions/main/datasets/us/"

FEEDS: tuple[FeedSpec, ...] = (
    FeedSpec(
        Feed.OFAC_SDN,
        "OFAC Specially Designated Nationals (SDN) list",
        ListFormat.OFAC,
        "https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists",
        (
            SourceFile(OFAC + "SDN.CSV", "ofac_sdn/sdn.csv"),
            SourceFile(OFAC + "ALT.CSV", "ofac_sdn/alt.csv"),
            SourceFile(OFAC + "ADD.CSV", "ofac_sdn/add.csv"),
            SourceFile(OFAC + "SDN_COMMENTS.CSV", "ofac_sdn/sdn_comments.csv", required=False),
        ),
    ),
    FeedSpec(
        Feed.OFAC_CONS,
        "OFAC Consolidated (non-SDN) lists: NS-CMIC, SSI, NS-MBS, PLC, CAPTA, FSE",
        ListFormat.OFAC,
        "https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists",
        (
            SourceFile(OFAC + "CONS_PRIM.CSV", "ofac_cons/cons_prim.csv"),
            SourceFile(OFAC + "CONS_ALT.CSV", "ofac_cons/cons_alt.csv"),
            SourceFile(OFAC + "CONS_ADD.CSV", "ofac_cons/cons_add.csv"),
            SourceFile(OFAC + "CONS_COMMENTS.CSV", "ofac_cons/cons_comments.csv", required=False),
        ),
    ),
    FeedSpec(
        Feed.CSL,
        "Consolidated Screening List (trade.gov): Entity List, UVL, MEU, ISN, DTC and more",
        ListFormat.CSL,
        "https://www.trade.gov/consolidated-screening-list",
        (SourceFile(CSL + "consolidated.csv", "csl_sample/csl.csv"),),
    ),
    FeedSpec(
        Feed.BIS_DPL,
        "BIS Denied Persons List",
        ListFormat.DPL,
        "https://www.bis.gov/dpl",
        (SourceFile("https://www.bis.doc.gov/dpl/dpl.txt", "csl_sample/dpl.txt"),),
    ),
    FeedSpec(
        Feed.DOD_1260H,
        "DoD Section 1260H Chinese military companies (FY2021 NDAA §1260H)",
        ListFormat.DOD_1260H,
        "https://www.defense.gov/News/Releases/",
        (SourceFile(OPENSANCTIONS + "dod_chinese_milcorps/sanctions.csv", "dod_1260h/1260h.csv"),),
        transcribed=True,
    ),
    FeedSpec(
        Feed.BIS_MEU,
        "BIS Military-Intelligence End-User (MIEU) list, 15 CFR 744.22",
        ListFormat.MEU,
        "https://www.ecfr.gov/current/title-15/subtitle-B/chapter-VII/subchapter-C/part-744/section-744.22",
        (SourceFile(OPENSANCTIONS + "bis_mieu/mieu.csv", "us_other_lists/bis_meu.csv"),),
        transcribed=True,
    ),
    FeedSpec(
        Feed.NDAA_889,
        "NDAA FY2019 §889 named telecommunications and video-surveillance companies",
        ListFormat.NDAA_889,
        "https://www.acquisition.gov/far/52.204-25",
        (
            SourceFile(
                OPENSANCTIONS + "special_leg/source_files/section_889.csv",
                "us_other_lists/ndaa_section_889.csv",
            ),
        ),
        transcribed=True,
    ),
    FeedSpec(
        Feed.NDAA_1286,
        "DoD NDAA FY2019 §1286 foreign institutions of concern",
        ListFormat.NDAA_1286,
        "https://basicresearch.defense.gov/Programs/Foreign-Influence/",
        (
            SourceFile(
                OPENSANCTIONS + "special_leg/source_files/section_1286.csv",
                "us_other_lists/ndaa_section_1286.csv",
            ),
        ),
        transcribed=True,
    ),
    FeedSpec(
        Feed.FCC_COVERED,
        "FCC Covered List (Secure and Trusted Communications Networks Act)",
        ListFormat.FCC,
        "https://www.fcc.gov/supplychain/coveredlist",
        (SourceFile(OPENSANCTIONS + "fcc_covered_list/table.csv", "us_other_lists/fcc_covered_list.csv"),),
        transcribed=True,
    ),
    FeedSpec(
        Feed.UN_SC,
        "UN Security Council Consolidated List",
        ListFormat.UN_XML,
        "https://main.un.org/securitycouncil/en/content/un-sc-consolidated-list",
        (SourceFile("https://scsanctions.un.org/resources/xml/en/consolidated.xml", "un_consolidated.xml"),),
    ),
)

FEEDS_BY_NAME: dict[str, FeedSpec] = {f.feed: f for f in FEEDS}


def feed_format(feed: str) -> str | None:
    """The parser format of a manifest feed; None for feeds the manifest does not know."""
    known = FEEDS_BY_NAME.get(feed)
    return known.format if known else None
