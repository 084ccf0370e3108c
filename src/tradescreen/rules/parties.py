"""From a party's name to its listings on a date: the matcher finds the entries, the history
engine says how each stood that day."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tradescreen.domain import Hit, Party
from tradescreen.history import ListingStatus, all_entities, status_report
from tradescreen.match.screen import Screener
from tradescreen.store.schema import ListVersionRow

RESOLVE_THRESHOLD = 0.93  # a rule must apply to the party itself, not to a look-alike


_SCREENERS: dict[tuple[str, int, int], Screener] = {}


def cached_screener(session: Session) -> Screener:
    """A name index over every entity ever held, rebuilt only when a version is added or
    deleted (services answer many determinations from one index)."""
    count, last = session.execute(select(func.count(ListVersionRow.id), func.max(ListVersionRow.id))).one()
    key = (str(session.get_bind().engine.url), int(count or 0), int(last or 0))
    if key not in _SCREENERS:
        _SCREENERS.clear()  # one store per process in practice; keep memory bounded
        _SCREENERS[key] = Screener.build(all_entities(session))
    return _SCREENERS[key]


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
        self.screener = screener or cached_screener(session)

    def listings(
        self, party: Party, as_of: dt.date, threshold: float = RESOLVE_THRESHOLD
    ) -> list[PartyListing]:
        """Every listing of entries matching `party`, as it stood on `as_of`."""
        hits = self.screener.screen(party, threshold=threshold, top=50)
        report = status_report(self.session, [h.entity_id for h in hits], as_of)
        by_id = {s.entity_id: s for s in report.listings}
        return [PartyListing(h, by_id[h.entity_id]) for h in hits if h.entity_id in by_id]
