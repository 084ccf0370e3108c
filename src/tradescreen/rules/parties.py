"""From a party's name to its listings on a date: the one decision "is this party listed on
this date", used by determine, status and screen alike.

The matcher finds the entries, the history engine says how each stood that day, and the
corrections below apply facts a list file gets wrong or leaves out (each cited in
docs/regulatory-sources.md):

- Entity List rows added by the Huawei rules (84 FR 22961, 84 FR 43487/43493, 85 FR 51596)
  carry the Federal Register *publication* date in the CSL; the listing took effect earlier
  (2019-05-16, 2019-08-19, 2020-08-17). They are Huawei affiliates: footnote 1 (from
  2020-05-15) and the Temporary General License (2019-05-20 to 2020-08-13) apply to them.
- A CSL row whose name carries its city ("..., Ltd., Guiyang, Guizhou") is also indexed
  under the name without the city, so one threshold finds it whatever the command.
- NDAA §889 names have no date in the file: the statute was enacted 2018-08-13.
- An entry in force whose start date is unknown is flagged unverified.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tradescreen.domain import AliasType, Entity, Hit, ListSource, Name, Party
from tradescreen.history import ListingState, ListingStatus, all_entities, status_report
from tradescreen.match import persist
from tradescreen.match.screen import Screener

# One threshold for every command (determine, status, screen's rule view): a rule must
# apply to the party itself, not to a look-alike. City suffixes are handled by indexing the
# bare name (below), not by lowering the threshold.
RESOLVE_THRESHOLD = 0.9

# Huawei Entity List rules: FR citation -> (effective date, publication date).
HUAWEI_RULES: dict[str, tuple[dt.date, dt.date]] = {
    "84 FR 22961": (dt.date(2019, 5, 16), dt.date(2019, 5, 21)),
    "84 FR 43487": (dt.date(2019, 8, 19), dt.date(2019, 8, 21)),
    "84 FR 43493": (dt.date(2019, 8, 19), dt.date(2019, 8, 21)),
    "85 FR 51596": (dt.date(2020, 8, 17), dt.date(2020, 8, 20)),
}
FOOTNOTE_1_FROM = dt.date(2020, 5, 15)  # 85 FR 29849
TGL_FROM = dt.date(2019, 5, 20)  # 84 FR 23468
TGL_UNTIL = dt.date(2020, 8, 13)  # expired; 85 FR 51596
NDAA889_ENACTED = dt.date(2018, 8, 13)  # John S. McCain NDAA FY2019, Pub. L. 115-232

_LEGAL_FORM = re.compile(
    r"^(?P<bare>.*?\b(?:ltd|limited|co|corp|corporation|inc|llc|company|gmbh|s\.a|plc)\.?)"
    r"(?:\s*,\s*[A-Z][\w' -]*){1,3}$",
    re.IGNORECASE,
)


def bare_name(name: str) -> str | None:
    """The name without a trailing ", City, Province" after its legal form, or None."""
    match = _LEGAL_FORM.match(name.strip())
    if not match:
        return None
    bare = match.group("bare").strip()
    return bare if bare != name.strip() else None


def _with_bare_alias(entity: Entity) -> Entity:
    bare = bare_name(entity.entry.name)
    if bare is None or entity.entry.source is not ListSource.EL:
        return entity
    entry = dataclasses.replace(entity.entry, aliases=(*entity.entry.aliases, Name(bare, AliasType.AKA)))
    return dataclasses.replace(entity, entry=entry)


def cached_screener(session: Session) -> Screener:
    """A name index over every entity ever held (removed ones too, so that a past date can
    be answered): the one shared, persisted index that screening uses too, rebuilt only when
    a version is added or deleted. Entity List names carrying a city suffix are also indexed
    under their bare name."""
    return persist.shared_screener(
        session, lambda: Screener.build([_with_bare_alias(e) for e in all_entities(session)]), Screener
    )


def forget_screeners() -> None:
    """Drop cached indexes (after a scenario rolled back a version it had added)."""
    persist.forget()


@dataclass(frozen=True, slots=True)
class PartyListing:
    """A listing found for a party, with the hit that found it."""

    hit: Hit
    status: ListingStatus


def _huawei_rule(status: ListingStatus) -> tuple[str, dt.date, dt.date] | None:
    if status.source is not ListSource.EL:
        return None
    for citation in status.citations:
        for cite, (effective, published) in HUAWEI_RULES.items():
            if cite.replace(" ", "") in citation.text.replace(" ", ""):
                return cite, effective, published
    return None


def correct(status: ListingStatus, entity_start: dt.date | None) -> ListingStatus:
    """Apply the facts a list file gets wrong or leaves out (see the module docstring)."""
    day = status.as_of
    huawei = _huawei_rule(status)
    if huawei is not None and status.entity_id.startswith("csl:"):
        _cite, effective, published = huawei
        state, since = status.state, status.since
        if since == published or (state is ListingState.NOT_YET_LISTED and day >= effective):
            # The CSL dates the row by publication; the rule took effect on `effective`.
            if day >= effective and state in (ListingState.NOT_YET_LISTED, ListingState.LISTED):
                state, since = ListingState.LISTED, effective
            elif day < effective:
                state, since = ListingState.NOT_YET_LISTED, None
        footnotes = tuple(f for f in status.footnotes if f != "1")
        if day >= FOOTNOTE_1_FROM:
            footnotes = (*footnotes, "1")
        return dataclasses.replace(
            status,
            state=state,
            since=since,
            footnotes=footnotes,
            general_license_active=state is ListingState.LISTED and TGL_FROM <= day < TGL_UNTIL,
        )
    if status.source is ListSource.NDAA889 and entity_start is None and day < NDAA889_ENACTED:
        return dataclasses.replace(status, state=ListingState.NOT_YET_LISTED, since=None)
    if status.source is ListSource.NDAA889 and status.since is None and status.restricted:
        return dataclasses.replace(status, state=ListingState.LISTED, since=NDAA889_ENACTED)
    if status.state is ListingState.LISTED_UNKNOWN_START:
        note = f"{status.source.label}: listing date not known (listed at an unknown date before {day})"
        if note not in status.unverified:
            return dataclasses.replace(status, unverified=(*status.unverified, note))
    return status


def is_huawei_affiliate(status: ListingStatus) -> bool:
    """An Entity List row added by one of the Huawei rules (its FR citation says so)."""
    return _huawei_rule(status) is not None


class PartyResolver:
    """Resolves names against every entity the store ever held (removed ones too, so that
    a past date can be answered)."""

    def __init__(self, session: Session, screener: Screener | None = None) -> None:
        self.session = session
        self._screener = screener

    @property
    def screener(self) -> Screener:
        """The name index, opened on first use: most parties have no ownership paths, so
        screening one name need not open the every-version index at all."""
        if self._screener is None:
            self._screener = cached_screener(self.session)
        return self._screener

    def listings(
        self, party: Party, as_of: dt.date, threshold: float = RESOLVE_THRESHOLD
    ) -> list[PartyListing]:
        """Every listing of entries matching `party`, as it stood on `as_of`: the one
        decision "is this party listed on this date"."""
        hits = self.screener.screen(party, threshold=threshold, top=50)
        return self.listings_of(hits, as_of)

    def listings_of(self, hits: list[Hit], as_of: dt.date) -> list[PartyListing]:
        """The listings of already-found hits on `as_of`, corrected the same way."""
        report = status_report(self.session, [h.entity_id for h in hits], as_of)
        by_id = {s.entity_id: s for s in report.listings}
        starts = {e.id: e.entry.start_date for e in self.screener.entities if e.id in by_id}
        return [
            PartyListing(h, correct(by_id[h.entity_id], starts.get(h.entity_id)))
            for h in hits
            if h.entity_id in by_id
        ]


def listed_on(session: Session, party: Party, as_of: dt.date) -> list[PartyListing]:
    """Is this party listed on this date? Every listing, corrected, at the one threshold."""
    return PartyResolver(session).listings(party, as_of)
