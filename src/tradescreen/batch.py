"""Batch screening of large CSV files: in this process, in local worker processes, or on a
Dask cluster.

Input is read in chunks and hits are written as each chunk completes, in input order, so
memory stays bounded however large the file. The screener is shipped to each worker once
(a Dask `scatter`, or the pool initialiser), then only chunks of parties travel.
"""

from __future__ import annotations

import csv
import io
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tradescreen.domain import EntityKind, Hit, Party
from tradescreen.errors import InputError
from tradescreen.match.normalize import validate_name
from tradescreen.match.persons import parse_party_dob
from tradescreen.match.screen import Screener

OUTPUT_COLUMNS = (
    "id",
    "name",
    "rank",
    "score",
    "entity_id",
    "source",
    "list_name",
    "matched_name",
    "programs",
    "explanation",
)
CHUNK_SIZE = 2000
ENGINES = ("local", "processes", "dask")

ProgressCallback = Callable[[int], None]


@dataclass(frozen=True, slots=True)
class BatchSummary:
    """What a batch run did."""

    parties: int
    hits: int
    parties_with_hits: int


def read_parties(path: Path) -> Iterator[Party]:
    """Parties from a UTF-8 CSV with header (`id,name` required; optional `country,address,
    type,dob,nationality,id_number`; `dob` is YYYY-MM-DD, YYYY-MM or YYYY).

    Errors name the file, line and field: invalid UTF-8, a missing `name` column, an empty
    name, a duplicate id. Names longer than 10,000 characters are refused as well.
    """
    try:
        handle = path.open("r", encoding="utf-8-sig", newline="")
    except OSError as exc:
        raise InputError(f"cannot read file ({exc.strerror})", file=str(path)) from exc
    with handle:
        lines = _checked_lines(handle, path)
        reader = csv.DictReader(lines)
        header = reader.fieldnames or []
        for column in ("id", "name"):
            if column not in header:
                raise InputError(
                    f"missing column {column!r} (header: {', '.join(header) or 'none'})",
                    file=str(path),
                    line=1,
                    field=column,
                )
        seen: set[str] = set()
        for row in reader:
            line = reader.line_num
            party_id = (row.get("id") or "").strip()
            name = (row.get("name") or "").strip()
            if not party_id:
                raise InputError("empty id", file=str(path), line=line, field="id")
            if party_id in seen:
                raise InputError(f"duplicate id {party_id!r}", file=str(path), line=line, field="id")
            seen.add(party_id)
            if not name:
                raise InputError("empty name", file=str(path), line=line, field="name")
            if len(name) > 10_000:
                raise InputError(
                    "name longer than 10,000 characters", file=str(path), line=line, field="name"
                )
            kind_text = (row.get("type") or "").strip().lower()
            kind = None
            if kind_text:
                try:
                    kind = EntityKind(kind_text)
                except ValueError as exc:
                    raise InputError(
                        f"unknown type {kind_text!r} (entity, individual, vessel, aircraft)",
                        file=str(path),
                        line=line,
                        field="type",
                    ) from exc
            try:
                validate_name(name)
            except InputError as exc:
                raise InputError(exc.problem, file=str(path), line=line, field="name") from None
            dob = (row.get("dob") or "").strip() or None
            if dob:
                try:
                    parse_party_dob(dob)
                except InputError as exc:
                    raise InputError(exc.problem, file=str(path), line=line, field="dob") from None
            yield Party(
                name=name,
                id=party_id,
                country=(row.get("country") or "").strip().upper() or None,
                address=(row.get("address") or "").strip() or None,
                kind=kind,
                dob=dob,
                nationality=(row.get("nationality") or "").strip().upper() or None,
                id_number=(row.get("id_number") or "").strip() or None,
            )


def _checked_lines(handle: io.TextIOBase, path: Path) -> Iterator[str]:
    number = 0
    while True:
        try:
            line = handle.readline()
        except UnicodeDecodeError as exc:
            raise InputError(f"not valid UTF-8 ({exc.reason})", file=str(path), line=number + 1) from exc
        if not line:
            return
        number += 1
        yield line


def hit_rows(party: Party, hits: Sequence[Hit]) -> list[dict[str, Any]]:
    """Output rows for one party's hits (the screen-file CSV contract)."""
    return [
        {
            "id": party.id,
            "name": party.name,
            "rank": rank,
            "score": f"{hit.score:.4f}",
            "entity_id": hit.entity_id,
            "source": hit.source.value,
            "list_name": hit.list_name,
            "matched_name": hit.matched_name,
            "programs": ";".join(hit.programs),
            "explanation": hit.explanation,
        }
        for rank, hit in enumerate(hits, start=1)
    ]


def _chunks(parties: Iterator[Party], size: int) -> Iterator[list[Party]]:
    chunk: list[Party] = []
    for party in parties:
        chunk.append(party)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def screen_chunk(
    screener: Screener, parties: list[Party], threshold: float | None, top: int
) -> list[list[Hit]]:
    """Screen one chunk (runs in a worker)."""
    return [screener.screen(p, threshold=threshold, top=top) for p in parties]


_WORKER_SCREENER: Screener | None = None


def _init_worker(screener: Screener) -> None:
    global _WORKER_SCREENER
    _WORKER_SCREENER = screener


def _screen_in_worker(parties: list[Party], threshold: float | None, top: int) -> list[list[Hit]]:
    assert _WORKER_SCREENER is not None
    return screen_chunk(_WORKER_SCREENER, parties, threshold, top)


def _results(
    screener: Screener,
    chunks: Iterator[list[Party]],
    engine: str,
    scheduler: str | None,
    workers: int,
    threshold: float | None,
    top: int,
) -> Iterator[tuple[list[Party], list[list[Hit]]]]:
    if engine == "local":
        for chunk in chunks:
            yield chunk, screen_chunk(screener, chunk, threshold, top)
    elif engine == "processes":
        with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(screener,)) as pool:
            yield from _windowed(lambda c: pool.submit(_screen_in_worker, c, threshold, top), chunks, workers)
    elif engine == "dask":
        yield from _dask_results(screener, chunks, scheduler, workers, threshold, top)
    else:
        raise InputError(f"unknown engine {engine!r}; one of {', '.join(ENGINES)}", field="--engine")


def _windowed(
    submit: Callable[[list[Party]], Any], chunks: Iterator[list[Party]], workers: int
) -> Iterator[tuple[list[Party], list[list[Hit]]]]:
    """Keep a bounded number of chunks in flight, yielding results in input order."""
    window: deque[tuple[list[Party], Any]] = deque()
    for chunk in chunks:
        window.append((chunk, submit(chunk)))
        if len(window) > 2 * workers:
            done_chunk, future = window.popleft()
            yield done_chunk, future.result()
    while window:
        done_chunk, future = window.popleft()
        yield done_chunk, future.result()


def _dask_results(
    screener: Screener,
    chunks: Iterator[list[Party]],
    scheduler: str | None,
    workers: int,
    threshold: float | None,
    top: int,
) -> Iterator[tuple[list[Party], list[list[Hit]]]]:
    from dask.distributed import Client, LocalCluster

    cluster: Any = None
    if not scheduler:
        cluster = LocalCluster(
            n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None
        )
    client: Any = Client(scheduler or cluster)
    try:
        remote = client.scatter(screener, broadcast=True)
        yield from _windowed(
            lambda c: client.submit(screen_chunk, remote, c, threshold, top, pure=False), chunks, workers
        )
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# A cell starting with one of these is run as a formula by spreadsheet programs (CSV
# injection): a list name or customer name such as `=HYPERLINK(...)` must stay text.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value: Any) -> Any:
    """`value` made inert for spreadsheets: text starting with = + - @ tab or CR gets a
    leading apostrophe (shown as text, not evaluated); other values are unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class SafeDictWriter(csv.DictWriter):  # type: ignore[type-arg]
    """csv.DictWriter that neutralises formula cells; every CSV the product writes uses it."""

    def writerow(self, rowdict: Mapping[str, Any]) -> Any:
        """Write one row with every cell passed through :func:`spreadsheet_safe`."""
        return super().writerow({k: spreadsheet_safe(v) for k, v in rowdict.items()})

    def writerows(self, rowdicts: Iterable[Mapping[str, Any]]) -> None:
        """Write rows with every cell passed through :func:`spreadsheet_safe`."""
        for row in rowdicts:
            self.writerow(row)


def screen_csv(
    in_path: Path,
    out_path: Path,
    screener: Screener,
    *,
    engine: str = "local",
    scheduler: str | None = None,
    workers: int = 2,
    threshold: float | None = None,
    top: int = 10,
    chunk_size: int = CHUNK_SIZE,
    on_progress: ProgressCallback | None = None,
    rows_for: Callable[[Party, list[Hit]], list[dict[str, Any]]] = hit_rows,
    columns: Sequence[str] = OUTPUT_COLUMNS,
) -> BatchSummary:
    """Screen every row of `in_path`, writing hits to `out_path` (written to a temporary
    file and renamed at the end, so a failed run leaves no partial output).

    `rows_for` turns one party's hits into output rows (in this process, in input order):
    the screening service passes one that records the screening and adds listing states."""
    if top < 1:
        raise InputError("must be at least 1", field="--top")
    parties = read_parties(in_path)
    # Validate the header and first row before starting workers.
    tmp = out_path.with_name(out_path.name + ".partial")
    done = hits_total = with_hits = 0
    try:
        with tmp.open("w", encoding="utf-8", newline="") as out:
            writer = SafeDictWriter(out, fieldnames=list(columns))
            writer.writeheader()
            for chunk, results in _results(
                screener, _chunks(parties, chunk_size), engine, scheduler, workers, threshold, top
            ):
                for party, hits in zip(chunk, results, strict=True):
                    rows = rows_for(party, hits)
                    writer.writerows(rows)
                    hits_total += len(rows)
                    with_hits += bool(rows)
                done += len(chunk)
                if on_progress:
                    on_progress(done)
        tmp.replace(out_path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return BatchSummary(done, hits_total, with_hits)
