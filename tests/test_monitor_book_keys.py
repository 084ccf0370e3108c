"""Delta monitoring screens only the customers that share an index key with a changed entry,
with book-name keys saved beside the database and recomputed only for renamed customers."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tradescreen import monitor
from tradescreen.domain import Entity
from tradescreen.errors import InputError
from tradescreen.match.normalize import validate_name
from tradescreen.match.screen import Screener
from tradescreen.sources.detect import open_list_file
from tradescreen.store.db import session_scope


def _book(tmp_path: Path, rows: list[tuple[str, str]]) -> Path:
    path = tmp_path / "book.csv"
    path.write_text("id,name\n" + "".join(f'{i},"{n}"\n' for i, n in rows), encoding="utf-8")
    return path


def _screenable(name: str) -> bool:
    try:
        validate_name(name)
    except InputError:
        return False  # e.g. a name cut down to "LIMITED": refused at book import
    return True


def test_prefilter_misses_no_hit(engine: Engine, shared_data: Path, tmp_path: Path) -> None:
    """Customers sharing no key with the changed entries get no hit from them: skipping
    them changes nothing (checked against screening every customer)."""
    parsed = open_list_file(shared_data / "csl_sample" / "csl.csv")
    entities = [Entity(f"csl:{e.entry_key}", "csl", 1, e) for e in parsed.entries]
    rng = random.Random(3)
    changed = rng.sample(entities, 20)
    names = [n.value for e in entities for n in e.entry.all_names]
    rows = [(f"c{i}", rng.choice(names)[: rng.randint(8, 40)].strip() or "x") for i in range(300)]
    rows = [(cid, name) for cid, name in rows if _screenable(name)]
    rows += [(f"n{i}", f"Harbour Bakery {i}") for i in range(50)]
    with session_scope(engine) as s:
        monitor.import_book(s, _book(tmp_path, rows))
        parties = monitor.book_parties(s)
        keys = monitor.book_keys(s, parties)
    delta = Screener.build(changed)
    delta_keys = set(delta.index.postings)
    every = {(p.id, h.entity_id) for p in parties for h in delta.screen(p, threshold=0.5)}
    kept = [p for p in parties if not keys[p.id or ""].isdisjoint(delta_keys)]
    prefiltered = {(p.id, h.entity_id) for p in kept for h in delta.screen(p, threshold=0.5)}
    assert every, "some customers hit the changed entries"
    assert prefiltered == every
    assert len(kept) < len(parties)


def test_book_keys_are_reused_and_renamed_customers_recomputed(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with session_scope(engine) as s:
        monitor.import_book(s, _book(tmp_path, [("a", "Acme Widgets"), ("b", "Bakery of Leeds")]))
    calls: list[str] = []
    real = monitor.normalize_name

    def counting(name: str):  # type: ignore[no-untyped-def]
        calls.append(name)
        return real(name)

    monkeypatch.setattr(monitor, "normalize_name", counting)
    with session_scope(engine) as s:
        first = monitor.book_keys(s, monitor.book_parties(s))
    assert sorted(calls) == ["Acme Widgets", "Bakery of Leeds"]
    calls.clear()
    with session_scope(engine) as s:
        assert monitor.book_keys(s, monitor.book_parties(s)) == first
    assert calls == []  # read back, nothing normalised again
    with session_scope(engine) as s:
        monitor.import_book(s, _book(tmp_path, [("a", "Acme Gadgets"), ("b", "Bakery of Leeds")]))
        again = monitor.book_keys(s, monitor.book_parties(s))
    assert calls == ["Acme Gadgets"]
    assert again["a"] != first["a"] and "acmegadget" in again["a"] and again["b"] == first["b"]
