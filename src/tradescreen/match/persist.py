"""A built `Screener` saved beside the database, so that a new process opens it instead of
normalising and indexing every list name again.

One file per key (the set of list versions it was built from, the screening date and the
code that built it), written atomically (temporary file, then rename). The file starts
with a fixed magic, a JSON header carrying the key and the sha256 of the payload, then a
pickle (protocol 5) of the screener. A file whose magic, format, key, length or checksum
does not agree is never used: the screener is rebuilt and the file replaced. A stale
index would screen against lists that are no longer in force, which is a wrong answer,
not a slow one.

Pickle runs code when loaded: only files this process family wrote, in the data
directory beside the database, are ever opened (never user-supplied paths).
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import os
import pickle
import struct
import tempfile
from array import array
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from threading import Lock
from typing import Any, Protocol, TypeVar, cast, overload

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.match.index import NameIndex
from tradescreen.store.schema import ListVersionRow

log = logging.getLogger(__name__)

MAGIC = b"TSIDX\x00\x01\n"
FORMAT = 1
_HEADER_LEN = struct.Struct(">I")
KEEP_FILES = 8  # per directory, newest first: a few scopes/dates, never unbounded
SUFFIX = ".tsidx"


T = TypeVar("T")


class Indexed(Protocol):
    """What is persisted: an object (the `Screener`) holding a `NameIndex` as `index`,
    with its other attributes plain data. Named structurally so that this module need not
    import the screener that calls it."""

    index: NameIndex


S = TypeVar("S", bound=Indexed)


class LazyList(Sequence[T]):
    """A read-only list whose items are unpickled on first access.

    Opening an index must not rebuild ~10,000 entities and ~25,000 normalised names when
    a query looks at twenty of them: each item stays a small pickle until it is read."""

    def __init__(self, blobs: list[bytes]) -> None:
        self._blobs = blobs
        self._items: list[T | None] = [None] * len(blobs)

    @overload
    def __getitem__(self, i: int) -> T: ...
    @overload
    def __getitem__(self, i: slice) -> list[T]: ...
    def __getitem__(self, i: int | slice) -> T | list[T]:
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self._blobs)))]
        item = self._items[i]
        if item is None:
            item = self._items[i] = pickle.loads(self._blobs[i])
        return item

    def __len__(self) -> int:
        return len(self._blobs)

    def __iter__(self) -> Iterator[T]:
        return (self[i] for i in range(len(self._blobs)))

    def __reduce__(self) -> tuple[Any, ...]:
        # Sent to a worker (batch, Dask) still packed: the worker unpickles what it reads.
        return (LazyList, (self._blobs,))


class PackedPostings(Mapping[str, tuple[int, ...]]):
    """Key -> name ids, held as one flat integer array: opening it creates no per-key
    tuple (there are ~80,000 keys); a lookup slices out the few it needs."""

    def __init__(self, keys: list[str], flat: array[int], offsets: array[int]) -> None:
        self._keys = keys
        self._position = dict(zip(keys, range(len(keys)), strict=True))
        self._flat = flat
        self._offsets = offsets

    @classmethod
    def pack(cls, postings: Mapping[str, Sequence[int]]) -> tuple[list[str], bytes, bytes]:
        """Keys, flat ids and offsets of `postings`, ready to pickle."""
        keys = list(postings)
        flat, offsets = array("i"), array("q", [0])
        for key in keys:
            flat.extend(postings[key])
            offsets.append(len(flat))
        return keys, flat.tobytes(), offsets.tobytes()

    @classmethod
    def unpack(cls, keys: list[str], flat: bytes, offsets: bytes) -> PackedPostings:
        """The inverse of :meth:`pack`."""
        ids, ends = array("i"), array("q")
        ids.frombytes(flat)
        ends.frombytes(offsets)
        if len(ends) != len(keys) + 1 or ends[-1] != len(ids):
            raise IndexFileError("postings do not agree with their keys")
        return cls(keys, ids, ends)

    def __getitem__(self, key: str) -> tuple[int, ...]:
        i = self._position[key]
        return tuple(self._flat[self._offsets[i] : self._offsets[i + 1]])

    def __len__(self) -> int:
        return len(self._position)

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PackedPostings.unpack, (self._keys, self._flat.tobytes(), self._offsets.tobytes()))

    def weights(self, idf: bytes) -> PackedWeights:
        """Per-key weights stored in key order, looked up through the same key table."""
        values = array("d")
        values.frombytes(idf)
        if len(values) != len(self._position):
            raise IndexFileError("key weights do not agree with the keys")
        return PackedWeights(self._position, values)


class PackedWeights(Mapping[str, float]):
    """Key -> weight over a shared key table (no second 80,000-entry dict to build)."""

    def __init__(self, position: dict[str, int], values: array[float]) -> None:
        self._position = position
        self._values = values

    def __getitem__(self, key: str) -> float:
        return self._values[self._position[key]]

    def __len__(self) -> int:
        return len(self._position)

    def __iter__(self) -> Iterator[str]:
        return iter(self._position)

    def __reduce__(self) -> tuple[Any, ...]:
        return (PackedWeights, (self._position, self._values))


def _dump_items(items: Sequence[Any]) -> list[bytes]:
    return [pickle.dumps(item, protocol=5) for item in items]


def _pack(screener: Indexed) -> dict[str, Any]:
    """The screener's state with its per-name and per-entity objects pickled one by one."""
    index = screener.index
    return {
        "screener": {k: v for k, v in vars(screener).items() if k != "index"},
        "index": {
            k: v for k, v in vars(index).items() if k not in ("entities", "names", "postings", "key_idf")
        },
        "postings": PackedPostings.pack(index.postings),
        "key_idf": array("d", (index.key_idf[k] for k in index.postings)).tobytes(),
        "entities": _dump_items(index.entities),
        "names": _dump_items(index.names),
    }


def _unpack(state: dict[str, Any], kind: type[S]) -> S:
    index = NameIndex.__new__(NameIndex)
    vars(index).update(state["index"])
    # Typed as lists on NameIndex; a read-only sequence serves every use (index, len, iterate).
    index.entities = cast(list[Any], LazyList(state["entities"]))
    index.names = cast(list[Any], LazyList(state["names"]))
    keys, flat, offsets = state["postings"]
    postings = PackedPostings.unpack(keys, flat, offsets)
    index.postings = cast(dict[str, tuple[int, ...]], postings)
    index.key_idf = cast(dict[str, float], postings.weights(state["key_idf"]))
    screener = kind.__new__(kind)
    vars(screener).update(state["screener"])
    screener.index = index
    return screener


_STATE_KEYS = {"screener", "index", "entities", "names", "postings", "key_idf"}


class IndexFileError(ValueError):
    """A persisted index that must not be used (corrupt, truncated, foreign, stale)."""


@lru_cache(maxsize=1)
def code_version() -> str:
    """A digest of the code whose output the index holds (normalisation, indexing, the
    domain types): a change to any of it makes every saved index stale."""
    import tradescreen.domain as domain
    import tradescreen.match as match

    digest = hashlib.sha256()
    files = [*sorted(Path(match.__file__).parent.glob("*.py")), Path(domain.__file__)]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def file_for(directory: Path, family: str, key: str) -> Path:
    """Where the index for `key` lives (`family` groups keys that replace each other)."""
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in family)[:40]
    return directory / f"{safe}-{hashlib.sha256(key.encode()).hexdigest()[:20]}{SUFFIX}"


def save_object(path: Path, key: str, obj: object) -> None:
    """Write `obj` (pickled) under `key` to `path` atomically (readers never see half a file)."""
    payload = pickle.dumps(obj, protocol=5)
    header = json.dumps(
        {
            "format": FORMAT,
            "code": code_version(),
            "key": key,
            "length": len(payload),
            "sha256": hashlib.sha256(payload).hexdigest(),
        }
    ).encode()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=SUFFIX)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(MAGIC)
            out.write(_HEADER_LEN.pack(len(header)))
            out.write(header)
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def read_object(path: Path, key: str) -> Any:
    """What :func:`save_object` wrote at `path` for `key`; `IndexFileError` when the file
    cannot be trusted (other magic, format, code or key; truncated; checksum differs)."""
    with path.open("rb") as src:
        data = src.read()
    if not data.startswith(MAGIC):
        raise IndexFileError(f"{path}: not a tradescreen index file")
    start = len(MAGIC) + _HEADER_LEN.size
    if len(data) < start:
        raise IndexFileError(f"{path}: truncated header")
    (header_len,) = _HEADER_LEN.unpack_from(data, len(MAGIC))
    try:
        header = json.loads(data[start : start + header_len])
    except ValueError as exc:
        raise IndexFileError(f"{path}: unreadable header ({exc})") from exc
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        found = header.get("format") if isinstance(header, dict) else "?"
        raise IndexFileError(f"{path}: index format {found}, want {FORMAT}")
    if header.get("code") != code_version():
        raise IndexFileError(f"{path}: built by other code ({header.get('code')})")
    if header.get("key") != key:
        raise IndexFileError(f"{path}: built for other list versions")
    payload = memoryview(data)[start + header_len :]
    if len(payload) != header.get("length"):
        raise IndexFileError(f"{path}: truncated ({len(payload)} of {header.get('length')} bytes)")
    if hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise IndexFileError(f"{path}: checksum differs (corrupted)")
    # Many small objects at once: the cyclic collector would walk them again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return pickle.loads(payload)
    finally:
        if collecting:
            gc.enable()


def save(path: Path, key: str, screener: Indexed) -> None:
    """Write `screener` under `key` to `path` atomically, in the compact persisted form."""
    save_object(path, key, _pack(screener))


def read(path: Path, key: str, kind: type[S]) -> S:
    """The screener saved at `path` for `key`; `IndexFileError` when it cannot be trusted."""
    state = read_object(path, key)
    if not isinstance(state, dict) or set(state) != _STATE_KEYS:
        raise IndexFileError(f"{path}: does not hold a screener")
    return _unpack(state, kind)


def prune(directory: Path, family: str, keep: Path) -> None:
    """Remove the family's other index files (older list versions) and cap the directory."""
    if not directory.is_dir():
        return
    prefix = file_for(directory, family, "").name.rsplit("-", 1)[0] + "-"
    files = sorted(directory.glob(f"*{SUFFIX}"), key=lambda p: p.stat().st_mtime, reverse=True)
    for i, path in enumerate(files):
        if path == keep:
            continue
        if path.name.startswith(prefix) or i >= KEEP_FILES:
            path.unlink(missing_ok=True)


def load_or_build(
    directory: Path, key: str, build: Callable[[], S], kind: type[S], *, family: str = "screener"
) -> S:
    """The screener (of class `kind`) for `key`: opened from `directory` when a trustworthy file is there,
    else built with `build()`, saved atomically and the family's older files pruned.

    Failing to save (read-only directory, full disk) is logged and the built screener
    still returned: persistence is a speed-up, never a reason to refuse to screen."""
    path = file_for(directory, family, key)
    if path.exists():
        try:
            return read(path, key, kind)
        except Exception as exc:
            log.warning("rebuilding the name index: %s", exc)
    screener = build()
    try:
        save(path, key, screener)
        prune(directory, family, path)
    except OSError as exc:
        log.warning("could not save the name index to %s: %s", directory, exc)
    return screener


def index_dir(session: Session) -> Path:
    """Where persisted indexes of this database live: beside an SQLite file, else in the
    data directory under a name derived from the database URL."""
    url = session.get_bind().engine.url
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        db = Path(url.database).resolve()
        return db.parent / f"{db.name}.index"
    from tradescreen.config import load_settings

    where = hashlib.sha256(url.render_as_string(hide_password=True).encode()).hexdigest()[:12]
    return load_settings().data_dir / "index" / where


def versions_fingerprint(session: Session) -> tuple[tuple[int, ...], str]:
    """Every list version's id, and what an index was built from: each version's id, feed,
    file digest, row count and load time (ids alone can be reused after a delete)."""
    row = ListVersionRow
    stmt = select(row.id, row.feed, row.sha256, row.row_count, row.loaded_at).order_by(row.id)
    rows = session.execute(stmt).all()
    fingerprint = ";".join(
        f"{i}:{feed}:{sha}:{count}:{loaded.isoformat() if loaded else ''}"
        for i, feed, sha, count, loaded in rows
    )
    return tuple(r[0] for r in rows), fingerprint


_SHARED: dict[tuple[str, str], object] = {}
_SHARED_LOCK = Lock()


def shared_screener(session: Session, build: Callable[[], S], kind: type[S]) -> S:
    """The one name index over every entity the store ever held, shared by screening, status,
    determinations and ownership: cached in memory per database and set of versions, and
    persisted beside the database so that a new process opens it instead of rebuilding it.
    `build` indexes every entity (the caller loads them from the history engine) when no
    trustworthy file is there."""
    _ids, fingerprint = versions_fingerprint(session)
    url = session.get_bind().engine.url.render_as_string(hide_password=True)
    key = (url, fingerprint)
    with _SHARED_LOCK:
        cached = _SHARED.get(key)
    if isinstance(cached, kind):
        return cached
    screener = load_or_build(index_dir(session), f"{url}|all|{fingerprint}", build, kind, family="all")
    with _SHARED_LOCK:
        if len(_SHARED) > 4:
            _SHARED.clear()  # one store per process in practice; keep memory bounded
        _SHARED[key] = screener
    return screener


def forget() -> None:
    """Drop the in-memory shared indexes (e.g. after a rolled-back scenario added a version)."""
    with _SHARED_LOCK:
        _SHARED.clear()
