"""Core domain types shared by every layer.

Sources produce :class:`ListEntry` records; the store keeps them per
:class:`ListVersion`; engines return :class:`Hit`, :class:`StatusReport`,
:class:`LicenseDetermination` and friends. These are plain frozen dataclasses so that
engines stay independent of SQLAlchemy, HTTP and terminals.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from typing import Any


class Feed(StrEnum):
    """A feed: one list loaded as successive versions of its own (`list_versions.feed`).

    The values are stored in the database and appear in entity ids: never change them.
    """

    OFAC_SDN = "ofac_sdn"
    OFAC_CONS = "ofac_cons"
    CSL = "csl"
    BIS_DPL = "bis_dpl"
    DOD_1260H = "dod_1260h"
    BIS_MEU = "bis_meu"
    NDAA_889 = "ndaa_889"
    NDAA_1286 = "ndaa_1286"
    FCC_COVERED = "fcc_covered"
    UN_SC = "un_sc"
    CURATED = "curated"
    ERC = "erc"  # End-User Review Committee decisions published from ERC cases


class ListFormat(StrEnum):
    """A list file format: which parser reads it (`load --format`)."""

    CSL = "csl"
    CSL_JSON = "csl-json"
    OFAC = "ofac"
    OFAC_XML = "ofac-xml"
    DPL = "dpl"
    DOD_1260H = "dod1260h"
    MEU = "meu"
    NDAA_889 = "ndaa889"
    NDAA_1286 = "ndaa1286"
    FCC = "fcc"
    UN_XML = "un-xml"
    CURATED = "curated"


def entity_id(feed: str, entry_key: str) -> str:
    """The public id of a list entry, e.g. "ofac_sdn:36": stable across versions of its feed.

    The one place ids are built; the feed is everything before the first colon.
    """
    return f"{feed}:{entry_key}"


class ListSource(StrEnum):
    """A restricted-party list, by its short code (as in the trade.gov CSL)."""

    EL = "EL"  # BIS Entity List
    DPL = "DPL"  # BIS Denied Persons List
    UVL = "UVL"  # BIS Unverified List
    MEU = "MEU"  # BIS Military End-User List (§744.21)
    MIEU = "MIEU"  # BIS Military-Intelligence End-User list (§744.22)
    SDN = "SDN"  # OFAC Specially Designated Nationals
    CMIC = "CMIC"  # OFAC Non-SDN Chinese Military-Industrial Complex (NS-CMIC)
    SSI = "SSI"  # OFAC Sectoral Sanctions Identifications
    ISN = "ISN"  # State Nonproliferation Sanctions
    DTC = "DTC"  # State ITAR Debarred
    PLC = "PLC"  # OFAC Palestinian Legislative Council
    CAP = "CAP"  # OFAC CAPTA list
    FSE = "FSE"  # OFAC Foreign Sanctions Evaders
    MBS = "MBS"  # OFAC Non-SDN Menu-Based Sanctions
    DOD1260H = "1260H"  # DoD Section 1260H Chinese military companies
    DOD1237 = "1237"  # DoD Section 1237 list (predecessor; EO 13959 basis)
    FCC = "FCC"  # FCC Covered List
    NDAA889 = "889"  # NDAA FY2019 Section 889
    NDAA1286 = "1286"  # NDAA Section 1286 foreign institutions of concern
    UN = "UN"  # UN Security Council consolidated list
    EO = "EO"  # Executive-order transaction bans (TikTok/WeChat orders)
    OTHER = "OTHER"

    @property
    def label(self) -> str:
        """Human-readable list name."""
        return LIST_TITLES[self]


LIST_TITLES: dict[ListSource, str] = {
    ListSource.EL: "Entity List (BIS)",
    ListSource.DPL: "Denied Persons List (BIS)",
    ListSource.UVL: "Unverified List (BIS)",
    ListSource.MEU: "Military End-User List (BIS)",
    ListSource.MIEU: "Military-Intelligence End-User list (BIS, §744.22)",
    ListSource.SDN: "Specially Designated Nationals (OFAC)",
    ListSource.CMIC: "Non-SDN Chinese Military-Industrial Complex Companies (OFAC)",
    ListSource.SSI: "Sectoral Sanctions Identifications (OFAC)",
    ListSource.ISN: "Nonproliferation Sanctions (State)",
    ListSource.DTC: "ITAR Debarred (State)",
    ListSource.PLC: "Palestinian Legislative Council List (OFAC)",
    ListSource.CAP: "CAPTA List (OFAC)",
    ListSource.FSE: "Foreign Sanctions Evaders (OFAC)",
    ListSource.MBS: "Non-SDN Menu-Based Sanctions (OFAC)",
    ListSource.DOD1260H: "Section 1260H Chinese Military Companies (DoD)",
    ListSource.DOD1237: "Section 1237 Communist Chinese Military Companies (DoD)",
    ListSource.FCC: "Covered List (FCC)",
    ListSource.NDAA889: "NDAA Section 889 named companies",
    ListSource.NDAA1286: "NDAA Section 1286 foreign institutions of concern (DoD)",
    ListSource.UN: "UN Security Council Consolidated List",
    ListSource.EO: "Executive-order transaction bans",
    ListSource.OTHER: "Other",
}


class EntityKind(StrEnum):
    """What a list entry describes."""

    ENTITY = "entity"
    INDIVIDUAL = "individual"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


class AliasType(StrEnum):
    """How an alternative name relates to the primary one (OFAC vocabulary)."""

    PRIMARY = "primary"
    AKA = "aka"  # also known as
    FKA = "fka"  # formerly known as
    NKA = "nka"  # now known as
    WEAK = "weak"  # OFAC "weak aka": low-quality alias, scored down
    TRANSLIT = "translit"  # same name in another script


class EventType(StrEnum):
    """Things that happen to a listing over time."""

    ADDED = "added"
    MODIFIED = "modified"
    REMOVED = "removed"
    ENJOINED = "enjoined"  # a court halted enforcement (preliminary injunction)
    INJUNCTION_LIFTED = "injunction_lifted"
    POLICY_CHANGED = "policy_changed"  # license requirement / review policy changed
    GENERAL_LICENSE = "general_license"  # e.g. the Huawei TGL issued/renewed
    GENERAL_LICENSE_ENDED = "general_license_ended"
    EFFECTIVE = "effective"  # prohibition takes effect (e.g. CMIC purchase ban)
    NOTE = "note"


class MembershipState(StrEnum):
    """How one list membership stood on the date asked (the screening result's vocabulary)."""

    LISTED = "listed"
    REMOVED = "removed"  # taken off the list (a removal notice, or gone from the newer file)
    ENJOINED = "enjoined"  # still on the list; a court halted enforcement
    EXPIRED = "expired"  # ended on the end date the list itself gives
    NOT_YET_LISTED = "not_yet_listed"

    @property
    def live(self) -> bool:
        """True when the membership is in force that day: only these are hits and alerts.

        An enjoined listing is still on the list: it is shown as a hit (for review, with the
        injunction explained) rather than hidden.
        """
        return self in (MembershipState.LISTED, MembershipState.ENJOINED)


@dataclass(frozen=True, slots=True)
class Name:
    """One name of an entry: the primary name or an alias."""

    value: str
    alias_type: AliasType = AliasType.PRIMARY
    script: str | None = None  # e.g. "Hani", "Cyrl"; None = Latin/unknown


@dataclass(frozen=True, slots=True)
class Address:
    """A postal address as the list gives it; `full` is the one-line form."""

    full: str
    street: str | None = None
    city: str | None = None
    state: str | None = None
    postal_code: str | None = None
    country: str | None = None  # ISO 3166-1 alpha-2 when known


@dataclass(frozen=True, slots=True)
class Identifier:
    """An identifying number: ISIN, USCC, ticker, passport, IMO, ..."""

    type: str  # normalised upper-case type, e.g. "ISIN", "USCC", "TICKER", "PASSPORT"
    value: str
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    """Where a fact comes from, e.g. a Federal Register notice."""

    text: str  # e.g. "84 FR 22961"
    url: str | None = None
    published: dt.date | None = None
    verified: bool = True  # False for facts marked "(verify)" in REGULATORY_FACTS.md


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One entry of an official list, as a source parser yields it.

    `entry_key` is stable within a feed across versions (OFAC ent_num, CSL entity
    number, or a hash of the list and name when the source has no id), so that diffs
    and histories can follow an entry from one version to the next.
    """

    entry_key: str
    source: ListSource
    name: str
    kind: EntityKind = EntityKind.ENTITY
    aliases: tuple[Name, ...] = ()
    addresses: tuple[Address, ...] = ()
    countries: tuple[str, ...] = ()
    identifiers: tuple[Identifier, ...] = ()
    programs: tuple[str, ...] = ()
    federal_register: tuple[Citation, ...] = ()
    license_requirement: str | None = None
    license_policy: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    remarks: str | None = None
    linked_to: tuple[str, ...] = ()  # names of related parties ("Linked To:" remarks)
    dates_of_birth: tuple[str, ...] = ()  # as the list writes them ("16 Jun 1977", "1994")
    places_of_birth: tuple[str, ...] = ()
    nationalities: tuple[str, ...] = ()  # ISO alpha-2 where known (nationality and citizenship)
    # Source-specific structured facts: title, dob, vessel data, CMIC dates
    # ("cmic_listing_date", "cmic_effective_date", "cmic_divestment_date"), footnotes...
    extra: dict[str, Any] = field(default_factory=dict)
    source_url: str | None = None
    line: int | None = None  # line in the source file, for error messages

    @property
    def all_names(self) -> tuple[Name, ...]:
        """The primary name followed by every alias."""
        return (Name(self.name, AliasType.PRIMARY), *self.aliases)

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe dict (dates as ISO strings), the stored form of the entry."""
        raw = asdict(self)
        raw.pop("line", None)
        return json.loads(json.dumps(raw, default=_json_default, sort_keys=True))  # type: ignore[no-any-return]

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> ListEntry:
        """Inverse of :meth:`to_json`."""

        def date(v: str | None) -> dt.date | None:
            return dt.date.fromisoformat(v) if v else None

        return cls(
            entry_key=raw["entry_key"],
            source=ListSource(raw["source"]),
            name=raw["name"],
            kind=EntityKind(raw.get("kind", "entity")),
            aliases=tuple(
                Name(a["value"], AliasType(a["alias_type"]), a.get("script")) for a in raw.get("aliases", [])
            ),
            addresses=tuple(Address(**a) for a in raw.get("addresses", [])),
            countries=tuple(raw.get("countries", [])),
            identifiers=tuple(Identifier(**i) for i in raw.get("identifiers", [])),
            programs=tuple(raw.get("programs", [])),
            federal_register=tuple(
                Citation(c["text"], c.get("url"), date(c.get("published")), c.get("verified", True))
                for c in raw.get("federal_register", [])
            ),
            license_requirement=raw.get("license_requirement"),
            license_policy=raw.get("license_policy"),
            start_date=date(raw.get("start_date")),
            end_date=date(raw.get("end_date")),
            remarks=raw.get("remarks"),
            linked_to=tuple(raw.get("linked_to", [])),
            # to_json stores the person facts; without them a stored entry could never
            # agree or conflict with a party's date of birth or nationality.
            dates_of_birth=tuple(raw.get("dates_of_birth", [])),
            places_of_birth=tuple(raw.get("places_of_birth", [])),
            nationalities=tuple(raw.get("nationalities", [])),
            extra=dict(raw.get("extra", {})),
            source_url=raw.get("source_url"),
        )

    def content_hash(self) -> str:
        """A digest of everything but position, used to detect changed entries."""
        payload = json.dumps(self.to_json(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def _json_default(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")


@dataclass(frozen=True, slots=True)
class ListVersion:
    """One loaded file of a feed (e.g. `ofac_sdn`, `csl`), identified by its checksum."""

    id: int
    feed: str
    file_name: str
    sha256: str
    row_count: int
    loaded_at: dt.datetime
    active: bool
    published: dt.date | None = None  # the list's own as-of date when the file says
    # Entry field -> missing side files that would carry it: these fields are unknown here.
    unknown_fields: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ListingEvent:
    """Something that happened to a listing on a date, with its citation."""

    entity_id: str
    source: ListSource
    event_type: EventType
    date: dt.date
    description: str = ""
    citation: Citation | None = None
    verified: bool = True
    origin: str = "curated"  # "curated", "version:<id>" (derived from a diff), "erc:<case>"


@dataclass(frozen=True, slots=True)
class Listing:
    """A party's membership of one list over a period, with its restrictions."""

    entity_id: str
    source: ListSource
    name: str
    start: dt.date | None
    end: dt.date | None = None
    license_requirement: str | None = None
    license_policy: str | None = None
    programs: tuple[str, ...] = ()
    footnotes: tuple[str, ...] = ()
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True, slots=True)
class Entity:
    """A listed party as the store holds it: a public id plus its current entry."""

    id: str  # public id, e.g. "ofac_sdn:30947", "csl:EL:5c1f..", "curated:huawei"
    feed: str
    version_id: int
    entry: ListEntry

    @property
    def name(self) -> str:
        """Primary name."""
        return self.entry.name

    @property
    def source(self) -> ListSource:
        """The list this entity is on."""
        return self.entry.source


class RelationshipType(StrEnum):
    """How two parties are linked in the ownership graph."""

    OWNER = "owner"  # subject owns object
    SUBSIDIARY = "subsidiary"
    AFFILIATE = "affiliate"
    LINKED_TO = "linked_to"


@dataclass(frozen=True, slots=True)
class Relationship:
    """An ownership or affiliation link, valid over a period."""

    subject: str  # entity id or party name
    object: str
    type: RelationshipType
    share: float | None = None  # ownership percentage 0..100 when known
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = ""


@dataclass(frozen=True, slots=True)
class Party:
    """Something to screen: a customer, consignee or end user as written on an order."""

    name: str
    id: str | None = None
    country: str | None = None
    address: str | None = None
    kind: EntityKind | None = None
    identifiers: tuple[Identifier, ...] = ()
    dob: str | None = None  # ISO date of birth: "1977-06-16", "1977-06" or "1977"
    nationality: str | None = None  # ISO alpha-2
    id_number: str | None = None  # passport or national ID number, any type


@dataclass(frozen=True, slots=True)
class Hit:
    """A list entry that matched a screened party, with the reasons."""

    entity_id: str
    source: ListSource
    list_name: str  # the entry's primary name
    matched_name: str  # which of its names matched
    score: float  # in [0, 1]
    explanation: str
    programs: tuple[str, ...] = ()
    # Each declared feature as {"score": float, "detail": str} (match/score.py FEATURES).
    features: dict[str, dict[str, float | str]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    """The outcome of screening one party."""

    party: Party
    hits: tuple[Hit, ...]
    as_of: dt.date | None = None
    version_ids: tuple[int, ...] = ()


class Verdict(StrEnum):
    """Outcome of a license determination."""

    NO_LICENSE_REQUIRED = "no_license_required"
    LICENSE_REQUIRED = "license_required"
    PROHIBITED = "prohibited"  # DPL denial order, SDN blocking


@dataclass(frozen=True, slots=True)
class RuleFiring:
    """One rule that applied in a determination, with its legal basis."""

    rule: str  # e.g. "entity_list", "fdp_footnote_1", "denied_persons", "sdn_blocking"
    summary: str
    citation: str
    party: str | None = None
    entity_id: str | None = None
    review_policy: str | None = None
    license_exceptions_available: bool = False
    verified: bool = True


@dataclass(frozen=True, slots=True)
class LicenseDetermination:
    """Whether a transaction needs a license, and why."""

    verdict: Verdict
    eccn: str
    destination: str
    as_of: dt.date
    rules: tuple[RuleFiring, ...]
    next_steps: tuple[str, ...]
    parties: tuple[str, ...] = ()
    # The verdict rests on a fact we could not check against the primary text: said next to
    # the verdict, with the reasons, not only in a rule's footnote.
    verdict_unverified: bool = False
    unverified_reasons: tuple[str, ...] = ()
    # Know-your-customer red flags to check (Supplement No. 3 to Part 732): a checklist.
    red_flags: tuple[str, ...] = ()
    # Set when evaluated under an undecided/unpublished ERC decision: not an official answer.
    scenario: str | None = None
