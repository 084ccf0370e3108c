"""From a party's name to its listings on a date: the matcher finds the entries, the history
engine says how each stood that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.orm import Session

from tradescreen.domain import Hit, Party
from tradescreen.history import ListingStatus, all_entities, status_report
from tradescreen.match.screen import Screener

RESOLVE_THRESHOLD = 0.93  # a rule must apply to the party itself, not to a look-alike


@dataclass(frozen=True, slots=True)
class PartyListing:
    """A listing found for a party, with the hit that found it."""

    hit: Hit
    status: ListingStatus


class PartyResolver:
    """Resolves names against every entity the store ever held (removed ones too, so that
    a past date can be answered)."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.screener = Screener.build(all_entities(session))

    def listings(
        self, party: Party, as_of: dt.date, threshold: float = RESOLVE_THRESHOLD
    ) -> list[PartyListing]:
        """Every listing of entries matching `party`, as it stood on `as_of`."""
        hits = self.screener.screen(party, threshold=threshold, top=50)
        report = status_report(self.session, [h.entity_id for h in hits], as_of)
        by_id = {s.entity_id: s for s in report.listings}
        return [PartyListing(h, by_id[h.entity_id]) for h in hits if h.entity_id in by_id]
