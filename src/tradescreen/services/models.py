"""The typed results every front end renders: API `response_model`s, CLI `--json`, the
screen-file CSV, review records and the web templates all use these, never hand-built dicts."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, ConfigDict, Field

from tradescreen.domain import EntityKind, MembershipState

# `MembershipOut` has a field named `list`: inside that class `list[str]` would name it.
StrList = list[str]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True)


class ListUsed(_Model):
    """One list version an answer stands on."""

    feed: str
    version: int
    published: dt.date | None = None
    loaded_at: dt.datetime
    official: bool = True


class ScreeningQuery(_Model):
    """What was asked."""

    name: str
    id: str | None = None
    country: str | None = None
    address: str | None = None
    type: EntityKind | None = None
    dob: str | None = None  # ISO date of birth as given: YYYY-MM-DD, YYYY-MM or YYYY
    nationality: str | None = None  # ISO alpha-2
    id_number: str | None = None  # passport or national ID number
    sources: list[str] = Field(default_factory=list)
    threshold: float | None = None
    top: int = 10
    include_ended: bool = False


class IdentifierOut(_Model):
    """An identifying number of a listed entity."""

    type: str
    value: str
    country: str | None = None


class EntityOut(_Model):
    """The real-world entity a result is about (its primary entry's facts, and the
    identifiers and addresses of every entry merged into it)."""

    id: str
    name: str
    type: EntityKind
    countries: list[str]
    addresses: list[str]
    identifiers: list[IdentifierOut]


class FeatureOut(_Model):
    """One matching feature: its score and what it looked at."""

    score: float
    detail: str = ""


class MembershipOut(_Model):
    """One list entry of the entity and how it stood on the date asked."""

    list: str  # list code, e.g. "EL", "SDN", "1260H"
    list_title: str
    source: str  # the feed the entry was loaded from, e.g. "csl", "ofac_sdn", "curated"
    entry_id: str  # the entry's entity id: every source row stays reachable
    name: str
    state: MembershipState
    since: dt.date | None = None
    until: dt.date | None = None
    license_requirement: str | None = None
    review_policy: str | None = None
    programs: StrList = Field(default_factory=StrList)
    citations: StrList = Field(default_factory=StrList)
    score: float  # how well the query matched this entry
    matched_name: str

    @property
    def live(self) -> bool:
        """True when the membership was in force on the date asked."""
        return self.state.live


class OwnerOut(_Model):
    """An ownership link in force on the date: who owned the entity (not a listing)."""

    owner: str
    share: float | None = None
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    source: str = ""


class ScreeningResultOut(_Model):
    """One real-world entity found for the query, with every list it is on."""

    entity: EntityOut
    score: float
    matched_name: str
    explanation: str
    features: dict[str, FeatureOut] = Field(default_factory=dict)
    memberships: list[MembershipOut]
    owners: list[OwnerOut] = Field(default_factory=list)
    merged_because: list[str] = Field(default_factory=list)
    hit: bool  # at least one membership is live on the date asked


class OwnershipFlagOut(_Model):
    """Listed owners of the screened party (OFAC 50% rule, BIS affiliates rule)."""

    rule: str
    summary: str
    citation: str
    verified: bool


class ScreeningResponse(_Model):
    """The answer to screening one party: what it stands on, and what it found."""

    query: ScreeningQuery
    as_of: dt.date
    lists: list[ListUsed]
    warnings: list[str] = Field(default_factory=list)
    results: list[ScreeningResultOut]
    ownership: list[OwnershipFlagOut] = Field(default_factory=list)
    hit: bool  # some result has a live membership
    screening_id: int | None = None  # the record of this screening
    alerts: list[int] = Field(default_factory=list)  # alerts raised or updated for review
    # Set under an ERC scenario ("SCENARIO (not an official answer): ..."): never recorded.
    scenario: str | None = None

    @property
    def hits(self) -> list[ScreeningResultOut]:
        """Results with a live membership."""
        return [r for r in self.results if r.hit]


class BatchResponse(_Model):
    """Screening many parties: one response per party, in input order."""

    as_of: dt.date
    lists: list[ListUsed]
    warnings: list[str] = Field(default_factory=list)
    results: list[ScreeningResponse]


class BatchSummaryOut(_Model):
    """What a screen-file run did."""

    parties: int
    hits: int
    parties_with_hits: int
    rows: int
    alerts: int
    as_of: dt.date
    lists: list[ListUsed]
    warnings: list[str] = Field(default_factory=list)
