"""Update every feed of the manifest: download (or read a mirror), parse, load as a new version.

Each feed is its own transaction: a feed that cannot be downloaded or parsed leaves its
active version as it was, is reported with the reason (file, line, field), and does not
stop the other feeds. The caller decides how to show progress and how to exit.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from sqlalchemy import Engine

from tradescreen.errors import InputError, TradescreenError
from tradescreen.sources.detect import open_list_file
from tradescreen.sources.download import SourceFile, configured_sources, download_feed
from tradescreen.sources.manifest import feed_format
from tradescreen.store.db import session_scope
from tradescreen.store.load import count_entries, write_parsed
from tradescreen.store.versions import LoadResult


class UpdateProgress(Protocol):
    """What `update_feeds` tells its caller while it works (e.g. a Rich progress bar)."""

    def started(self, feed: str, total: int | None) -> None:
        """Parsing of `feed` is done; `total` entries (when known) are about to be written."""

    def advanced(self, feed: str, done: int) -> None:
        """`done` entries of `feed` are written."""

    def finished(self, outcome: FeedOutcome) -> None:
        """`feed` is loaded or has failed."""


@dataclass(slots=True)
class FeedOutcome:
    """What happened to one feed: its load result, or why it failed."""

    feed: str
    origin: str  # the URL or mirror path of the feed's main file
    result: LoadResult | None = None
    error: str | None = None
    warnings: list[str] = field(default_factory=list)  # e.g. sdn.csv without its side files

    @property
    def ok(self) -> bool:
        """True when the feed was loaded (or was already loaded)."""
        return self.error is None


@dataclass(slots=True)
class UpdateReport:
    """The outcome of every feed asked for, in manifest order."""

    outcomes: list[FeedOutcome] = field(default_factory=list)

    @property
    def failed(self) -> list[FeedOutcome]:
        """The feeds that could not be loaded (their active versions are unchanged)."""
        return [o for o in self.outcomes if not o.ok]


def wanted_feeds(feeds: list[str] | None, sources: dict[str, list[SourceFile]]) -> list[str]:
    """The feeds to update, in manifest order; an unknown name is an InputError."""
    if not feeds:
        return list(sources)
    unknown = [f for f in feeds if f not in sources]
    if unknown:
        raise InputError(f"unknown feed {unknown[0]!r}; known: {', '.join(sources)}", field="--feeds")
    return [f for f in sources if f in feeds]


def origin_of(source: SourceFile, mirror: str | None) -> str:
    """Where a file comes from, as `lists` shows it: the mirror path or the download URL."""
    return (mirror.rstrip("/") + "/" + source.mirror_path) if mirror else source.url


def _reporter(progress: UpdateProgress, feed: str) -> Callable[[int], None]:
    def advanced(done: int) -> None:
        progress.advanced(feed, done)

    return advanced


def update_feeds(
    engine: Engine,
    *,
    feeds: list[str] | None = None,
    mirror: str | None = None,
    retries: int = 3,
    timeout: float = 30.0,
    progress: UpdateProgress | None = None,
    allow_shrink: bool = False,
    actor: str = "system",
) -> UpdateReport:
    """Load the newest file of each feed (all manifest feeds by default) as a new version.

    `mirror` is a directory or URL prefix laid out like `../shared/data`. A failed feed is
    recorded in the report and the next feed is tried. A version with under half the entries
    of the active one is refused unless `allow_shrink` (which is audited under `actor`).
    """
    sources = configured_sources()
    report = UpdateReport()
    with tempfile.TemporaryDirectory(prefix="tradescreen-update-") as tmp:
        for feed in wanted_feeds(feeds, sources):
            outcome = FeedOutcome(feed, origin_of(sources[feed][0], mirror))
            try:
                path = download_feed(
                    feed, sources[feed], Path(tmp) / feed, mirror=mirror, retries=retries, timeout=timeout
                )
                fmt = feed_format(feed)
                parsed = open_list_file(path, fmt)
                if fmt is not None and parsed.feed != feed:  # a manifest feed got another list's file
                    raise InputError(
                        f"the file is a {parsed.feed} list, not {feed}", file=outcome.origin, line=1
                    )
                parsed.file_name = outcome.origin
                outcome.warnings = list(parsed.warnings)
                if progress:
                    progress.started(feed, count_entries(parsed))
                on_progress = _reporter(progress, feed) if progress else None
                with session_scope(engine) as session:
                    outcome.result = write_parsed(
                        session, parsed, on_progress=on_progress, allow_shrink=allow_shrink, actor=actor
                    )
            except (TradescreenError, OSError) as exc:
                # Name the file as the user knows it (URL or mirror path), not the temp copy.
                where = outcome.origin.rsplit("/", 1)[0]
                outcome.error = str(exc).replace(str(Path(tmp) / feed), where)
            report.outcomes.append(outcome)
            if progress:
                progress.finished(outcome)
    return report


__all__ = ["FeedOutcome", "UpdateProgress", "UpdateReport", "origin_of", "update_feeds", "wanted_feeds"]
