"""The one screener cache: a name index over every entity the store ever held.

Removed and future listings stay in the index so that history can be shown and a past
date answered; whether a match is a hit on a date is decided afterwards, from each entry's
membership state (`services.screening`). The cache is keyed by the database and its set of
list versions, so a new load is picked up at once. The interface is small on purpose
(`screener_for(session) -> IndexedLists`); the index itself is the persisted one of
`match.persist.shared_screener`, which the rule engines share.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tradescreen.domain import Entity
from tradescreen.match.screen import Screener
from tradescreen.rules.parties import cached_screener
from tradescreen.store.schema import ListingEventRow, ListVersionRow


class EntitiesById(Mapping[str, Entity]):
    """The screener's entities by id, each read from the index only when looked up."""

    def __init__(self, screener: Screener) -> None:
        self._screener = screener

    def __getitem__(self, entity_id: str) -> Entity:
        return self._screener.entities[self._screener.positions[entity_id]]

    def __contains__(self, entity_id: object) -> bool:
        return entity_id in self._screener.positions

    def __iter__(self) -> Iterator[str]:
        return iter(self._screener.positions)

    def __len__(self) -> int:
        return len(self._screener.positions)


@dataclass(frozen=True, slots=True)
class IndexedLists:
    """A screener and what it was built from."""

    screener: Screener
    by_id: Mapping[str, Entity]
    version_ids: tuple[int, ...]  # every version held when it was built
    earliest: dt.date | None  # the earliest date any list or event of the store speaks of


_CACHE: dict[tuple[str, tuple[int, ...]], IndexedLists] = {}
_LOCK = Lock()


def screener_for(session: Session) -> IndexedLists:
    """The screener over every entity ever held, cached per database and version set."""
    version_ids = tuple(session.scalars(select(ListVersionRow.id).order_by(ListVersionRow.id)))
    key = (str(session.get_bind().engine.url), version_ids)
    with _LOCK:
        cached = _CACHE.get(key)
    if cached is not None:
        return cached
    screener = cached_screener(session)  # the one index, shared with the rule engines
    # From what the index keeps: reading every entity would undo its lazy opening.
    dates = [screener.earliest_start] if screener.earliest_start else []
    first_event = session.scalar(select(func.min(ListingEventRow.date)))
    if first_event is not None:
        dates.append(first_event)
    built = IndexedLists(
        screener=screener,
        by_id=EntitiesById(screener),
        version_ids=version_ids,
        earliest=min(dates) if dates else None,
    )
    with _LOCK:
        if len(_CACHE) > 4:
            _CACHE.clear()  # one store per process in practice; keep memory bounded
        _CACHE[key] = built
    return built


def warm_index(session: Session) -> int:
    """Open the persisted name index of the store's current versions, building and saving
    it when there is none, so that the next `screen` (in any process) opens it instead of
    building it. Called after `load`, `init` and `update`; returns the number of names."""
    return len(screener_for(session).screener.index.names)
