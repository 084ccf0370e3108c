"""What an answer stands on: the loaded list versions, whether any official list is among
them (fail closed when none is), and warnings about stale feeds."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from tradescreen.config import load_settings
from tradescreen.errors import InputError, TradescreenError
from tradescreen.services.models import ListUsed
from tradescreen.store.versions import active_versions

# Feeds that are not an official publication: the curated data shipped with tradescreen
# and the decisions of this installation's own ERC workflow.
UNOFFICIAL_FEEDS = frozenset({"curated", "erc"})
NO_OFFICIAL_LIST = "no official list loaded: run `tradescreen update`"


class NoOfficialListError(TradescreenError):
    """The store holds no official list: no answer can be given (CLI exit 2, HTTP 503)."""

    def __init__(self) -> None:
        super().__init__(NO_OFFICIAL_LIST)


def lists_used(session: Session) -> list[ListUsed]:
    """Every active version, official or not, oldest feed name first."""
    return sorted(
        (
            ListUsed(
                feed=v.feed,
                version=v.id,
                published=v.published,
                loaded_at=v.loaded_at,
                official=v.feed not in UNOFFICIAL_FEEDS,
            )
            for v in active_versions(session)
        ),
        key=lambda item: (item.feed, item.version),
    )


def require_official_lists(session: Session) -> list[ListUsed]:
    """The active versions, refusing when none of them is an official list: a store with
    only the curated data would answer "no hits" for parties it has never looked for."""
    used = lists_used(session)
    if not any(item.official for item in used):
        raise NoOfficialListError()
    return used


def staleness_warnings(used: list[ListUsed], today: dt.date | None = None) -> list[str]:
    """One warning per official feed whose newest version is older than the configured age
    (its publication date when the file gives one, else when it was loaded)."""
    today = today or dt.date.today()
    limit = load_settings().max_list_age_days
    warnings = []
    for item in used:
        if not item.official:
            continue
        dated = item.published or item.loaded_at.date()
        age = (today - dated).days
        if age > limit:
            warnings.append(
                f"{item.feed} version {item.version} is {age} days old ({dated.isoformat()}), "
                f"older than {limit} days: run `tradescreen update`"
            )
    return warnings


def check_as_of(as_of: dt.date, earliest: dt.date | None, field: str = "as_of") -> None:
    """Refuse a date before anything the store knows: no list can answer for it."""
    if earliest is not None and as_of < earliest:
        raise InputError(
            f"{as_of.isoformat()} is before any list we hold (the earliest date they give is "
            f"{earliest.isoformat()})",
            field=field,
        )


def answer_basis(session: Session) -> tuple[list[ListUsed], list[str]]:
    """What any answer about parties stands on (refusing without an official list): the
    active list versions, and warnings about stale feeds."""
    used = require_official_lists(session)
    return used, staleness_warnings(used)
