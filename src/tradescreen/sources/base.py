"""What every source parser returns: a parsed file, ready for the store to import."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from tradescreen.domain import ListEntry, ListingEvent, Relationship


@dataclass(slots=True)
class ParsedFile:
    """A list file (or a set of files read together) as one future list version.

    `entries` may be a lazy iterator: parse errors are raised as
    :class:`tradescreen.errors.InputError` while it is consumed, inside the store's
    transaction, so a broken file never replaces the active version.
    `events` and `relationships` carry what the file says beyond its entries (curated
    histories, "Linked To" remarks); their entity ids are `"{feed}:{entry_key}"`.
    """

    feed: str  # e.g. "ofac_sdn", "ofac_cons", "csl", "bis_dpl", "dod_1260h", "curated"
    file_name: str  # what the user named (main file), for messages and `lists`
    sha256: str  # over every file read, in a fixed order
    entries: Iterable[ListEntry]
    published: dt.date | None = None
    events: list[ListingEvent] = field(default_factory=list)
    relationships: list[Relationship] = field(default_factory=list)
    paths: tuple[Path, ...] = ()
    # What the user should know although the file loaded (e.g. sibling files missing).
    warnings: list[str] = field(default_factory=list)
    # Entry fields this version cannot state, each with the missing files that would carry
    # it (an `sdn.csv` loaded without `alt.csv` knows no aliases): `diff` reports them as
    # unknown instead of as changed.
    unknown_fields: dict[str, list[str]] = field(default_factory=dict)


def sha256_of(paths: Iterable[Path]) -> str:
    """One checksum over the bytes of several files, in the order given."""
    digest = hashlib.sha256()
    for path in paths:
        with path.open("rb") as fh:
            for chunk in iter(lambda: fh.read(1 << 20), b""):
                digest.update(chunk)
    return digest.hexdigest()
