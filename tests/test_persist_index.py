"""The persisted name index: reopened when it can be trusted, rebuilt when it cannot.

A stale, corrupted, truncated or foreign file must never be used: each case is made here
from a real index file, and the stale case shows the wrong answer it would have given."""

from __future__ import annotations

import json
import pickle
import struct
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tradescreen.domain import Entity, Party
from tradescreen.match import persist
from tradescreen.match.persist import index_dir
from tradescreen.match.screen import Screener
from tradescreen.rules.parties import cached_screener
from tradescreen.services import screeners
from tradescreen.services.screeners import screener_for
from tradescreen.sources.detect import open_list_file
from tradescreen.store.db import session_scope
from tradescreen.store.load import load_path

NAMES = ("AL NASER WINGS AIRLINES", "ADRIAN MANUEL HERNANDEZ", "Gazprom Tsentrremont", "Sinobright Import")


@pytest.fixture
def entities(shared_data: Path) -> list[Entity]:
    """Every entry of the real CSL sample."""
    parsed = open_list_file(shared_data / "csl_sample" / "csl.csv")
    return [Entity(f"csl:{e.entry_key}", "csl", 1, e) for e in parsed.entries]


class Counting:
    """A build function that counts how often it runs."""

    def __init__(self, entities: list[Entity]) -> None:
        self.entities = entities
        self.calls = 0

    def __call__(self) -> Screener:
        self.calls += 1
        return Screener.build(self.entities)


def answers(s: Screener) -> list[list[tuple[str, float, str]]]:
    """Everything a screening shows, for comparing two screeners."""
    return [[(h.entity_id, h.score, h.explanation) for h in s.screen(Party(n), threshold=0.5)] for n in NAMES]


def only_file(directory: Path) -> Path:
    files = list(directory.glob(f"*{persist.SUFFIX}"))
    assert len(files) == 1, files
    return files[0]


def test_reopened_index_answers_as_the_built_one(tmp_path: Path, entities: list[Entity]) -> None:
    build = Counting(entities)
    first = persist.load_or_build(tmp_path, "k1", build, Screener)
    second = persist.load_or_build(tmp_path, "k1", build, Screener)
    assert build.calls == 1  # the second came from the file
    assert answers(second) == answers(first) == answers(Screener.build(entities))
    assert any(hits for hits in answers(second))
    # A reopened index still pickles whole (batch and Dask workers get a plain screener).
    assert answers(pickle.loads(pickle.dumps(second))) == answers(first)
    assert len(second.entities) == len(entities)


def _rewrite(path: Path, change: Callable[[bytes], bytes]) -> None:
    path.write_bytes(change(path.read_bytes()))


def _header_end(data: bytes) -> int:
    start = len(persist.MAGIC) + 4
    (length,) = struct.unpack_from(">I", data, len(persist.MAGIC))
    return start + length


def _flip_payload_byte(data: bytes) -> bytes:
    i = _header_end(data) + (len(data) - _header_end(data)) // 2
    return data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1 :]


def _other_format(data: bytes) -> bytes:
    end = _header_end(data)
    header = json.loads(data[len(persist.MAGIC) + 4 : end])
    header["format"] = persist.FORMAT + 1
    raw = json.dumps(header).encode()
    return persist.MAGIC + struct.pack(">I", len(raw)) + raw + data[end:]


@pytest.mark.parametrize(
    "damage",
    [
        pytest.param(_flip_payload_byte, id="corrupted"),
        pytest.param(lambda d: d[: len(d) // 2], id="truncated"),
        pytest.param(lambda d: d[: len(persist.MAGIC) + 2], id="truncated-header"),
        pytest.param(lambda d: b"PK\x03\x04" + d[4:], id="not-an-index"),
        pytest.param(_other_format, id="wrong-format"),
        pytest.param(lambda d: b"", id="empty"),
    ],
)
def test_damaged_file_is_rebuilt_never_used(
    tmp_path: Path, entities: list[Entity], damage: Callable[[bytes], bytes]
) -> None:
    build = Counting(entities)
    expected = answers(persist.load_or_build(tmp_path, "k1", build, Screener))
    path = only_file(tmp_path)
    _rewrite(path, damage)
    with pytest.raises(persist.IndexFileError):
        persist.read(path, "k1", Screener)
    again = persist.load_or_build(tmp_path, "k1", build, Screener)
    assert build.calls == 2  # rebuilt
    assert answers(again) == expected
    persist.read(path, "k1", Screener)  # and replaced by a good file


def test_other_key_or_code_is_not_used(
    tmp_path: Path, entities: list[Entity], monkeypatch: pytest.MonkeyPatch
) -> None:
    build = Counting(entities)
    persist.load_or_build(tmp_path, "k1", build, Screener)
    path = only_file(tmp_path)
    with pytest.raises(persist.IndexFileError, match="other list versions"):
        persist.read(path, "k2", Screener)
    monkeypatch.setattr(persist, "code_version", lambda: "changed-code")
    with pytest.raises(persist.IndexFileError, match="other code"):
        persist.read(path, "k1", Screener)
    persist.load_or_build(tmp_path, "k1", build, Screener)
    assert build.calls == 2


def test_older_keys_are_pruned(tmp_path: Path, entities: list[Entity]) -> None:
    build = Counting(entities)
    persist.load_or_build(tmp_path, "v1", build, Screener, family="active")
    persist.load_or_build(tmp_path, "other", build, Screener, family="all")
    persist.load_or_build(tmp_path, "v2", build, Screener, family="active")
    names = sorted(p.name for p in tmp_path.glob(f"*{persist.SUFFIX}"))
    assert names == sorted(
        [persist.file_for(tmp_path, "active", "v2").name, persist.file_for(tmp_path, "all", "other").name]
    )
    assert not list(tmp_path.glob(".tmp-*"))  # no temporary file left behind


def test_unwritable_directory_still_screens(tmp_path: Path, entities: list[Entity]) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    found = persist.load_or_build(blocker / "index", "k1", Counting(entities), Screener)
    assert answers(found) == answers(Screener.build(entities))


@pytest.fixture(autouse=True)
def _data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """PostgreSQL indexes go to the data directory: a fresh one per test."""
    monkeypatch.setenv("TRADESCREEN_DATA_DIR", str(tmp_path / "data"))


def test_stale_index_would_answer_wrongly_and_is_not_used(engine: Engine, shared_data: Path) -> None:
    """The lists change under a saved index: the old file lacks the newly listed party (a
    wrong "no hit" if used); a new process screens against the new versions instead."""
    new = Party("TNK Trading International S.A.")
    with session_scope(engine) as session:
        load_path(session, shared_data / "csl_sample" / "csl.csv")
    with session_scope(engine) as session:
        old = screener_for(session).screener
        directory = index_dir(session)
    assert old.screen(new) == [], "the older sample does not list the party"
    [old_file] = list(directory.glob(f"all-*{persist.SUFFIX}"))
    old_copy = old_file.with_suffix(".saved")
    old_copy.write_bytes(old_file.read_bytes())

    with session_scope(engine) as session:  # a newer CSL listing the party is loaded
        load_path(session, shared_data / "csl_sample" / "consolidated_small.csv", allow_shrink=True)
    persist._SHARED.clear()  # as in a new process: only the file is left
    with session_scope(engine) as session:
        current = screener_for(session).screener
    assert [h.entity_id for h in current.screen(new)]
    assert not old_file.exists()  # pruned once the new one was saved
    stale = persist.read(old_copy, _key_in(old_copy), Screener)
    assert stale.screen(new) == [], "the stale file would have missed the party"


def _key_in(path: Path) -> str:
    data = path.read_bytes()
    key = json.loads(data[len(persist.MAGIC) + 4 : _header_end(data)])["key"]
    assert isinstance(key, str)
    return key


def test_resolver_index_goes_through_the_shared_cache(engine: Engine, shared_data: Path) -> None:
    """Names in history (determine, status, ownership) and screening use one persisted
    index over every version ever loaded, so removed parties are still found."""
    with session_scope(engine) as session:
        load_path(session, shared_data / "csl_sample" / "csl.csv")
        load_path(session, shared_data / "csl_sample" / "consolidated_small.csv", allow_shrink=True)
    persist._SHARED.clear()
    with session_scope(engine) as session:
        resolver = cached_screener(session)
        assert cached_screener(session) is resolver
        assert screener_for(session).screener is resolver
    assert [h.entity_id for h in resolver.screen(Party("AL NASER WINGS AIRLINES"))]
    files = sorted(p.name.split("-")[0] for p in index_dir_of(engine).glob(f"*{persist.SUFFIX}"))
    assert files == ["all"]


def index_dir_of(engine: Engine) -> Path:
    with session_scope(engine) as session:
        return index_dir(session)


def test_cli_load_leaves_the_index_built(
    db_url: str, shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After `load` the persisted index of the new versions is on disk: the first `screen`
    (a new process: nothing in memory) opens it and never builds one."""
    from typer.testing import CliRunner

    from tradescreen.cli import build_app
    from tradescreen.store.db import get_engine

    monkeypatch.setenv("TRADESCREEN_DB", db_url)
    loaded = CliRunner().invoke(build_app("load"), ["load", str(shared_data / "csl_sample" / "dpl.txt")])
    assert loaded.exit_code == 0, loaded.output
    persist._SHARED.clear()
    screeners._CACHE.clear()

    def must_not_build() -> Screener:
        raise AssertionError("the index was built at screening time, not at load time")

    with session_scope(get_engine()) as session:
        _ids, fingerprint = persist.versions_fingerprint(session)
        url = session.get_bind().engine.url.render_as_string(hide_password=True)
        opened = persist.load_or_build(
            index_dir(session), f"{url}|all|{fingerprint}", must_not_build, Screener, family="all"
        )
        assert len(opened.index.names) == screeners.warm_index(session) > 0


def test_reopened_index_answers_ids_and_dates_like_the_entities(engine: Engine, shared_data: Path) -> None:
    """`by_id` and `earliest` come from what the index keeps (no entity is read to open it),
    and agree with reading every entity."""
    with session_scope(engine) as session:
        load_path(session, shared_data / "csl_sample" / "csl.csv")
    persist._SHARED.clear()
    screeners._CACHE.clear()
    with session_scope(engine) as session:
        indexed = screener_for(session)
    entities = list(indexed.screener.entities)
    assert set(indexed.by_id) == {e.id for e in entities}
    assert all(indexed.by_id[e.id] == e for e in entities)
    starts = [e.entry.start_date for e in entities if e.entry.start_date]
    assert indexed.screener.earliest_start == (min(starts) if starts else None)
    assert "no-such-entity" not in indexed.by_id
