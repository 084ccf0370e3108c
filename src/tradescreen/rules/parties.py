"""From a party's name to its listings on a date: the matcher finds the entries, the history
engine says how each stood that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tradescreen.domain import Hit, Party
from tradescreen.history import ListingStatus, all_entities, status_report
from tradescreen.match.persist import shared_screener
from tradescreen.match.screen import Screener

RESOLVE_THRESHOLD = 0.93  # a rule must apply to the party itself, not to a look-alike


def cached_screener(session: Session) -> Screener:
    """A name index over every entity ever held (removed ones too, so that a past date can
    be answered): the shared, persisted cache of `screener_for`, rebuilt only when a
    version is added or deleted."""
    return shared_screener(session, lambda: Screener.build(all_entities(session)), Screener)


@dataclass(frozen=True, slots=True)
class PartyListing:
    """A listing found for a party, with the hit that found it."""

    hit: Hit
    status: ListingStatus


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
        """Every listing of entries matching `party`, as it stood on `as_of`."""
        hits = self.screener.screen(party, threshold=threshold, top=50)
        report = status_report(self.session, [h.entity_id for h in hits], as_of)
        by_id = {s.entity_id: s for s in report.listings}
        return [PartyListing(h, by_id[h.entity_id]) for h in hits if h.entity_id in by_id]
