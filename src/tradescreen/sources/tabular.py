"""Reading delimited text files with line numbers and clear errors (shared by parsers)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from tradescreen.config import MAX_FIELD_BYTES_DEFAULT, int_setting
from tradescreen.errors import InputError


def max_field_bytes() -> int:
    """The largest field a list file may hold (`TRADESCREEN_MAX_FIELD_BYTES`, 128 KiB)."""
    return int_setting("TRADESCREEN_MAX_FIELD_BYTES", MAX_FIELD_BYTES_DEFAULT)


def checked_rows(reader: Iterator[list[str]], path: Path, header: Sequence[str] = ()) -> Iterator[list[str]]:
    """Rows of a csv.reader, turning csv.Error (a field over the limit, a NUL) and oversize
    fields into an InputError naming the file, line and field."""
    limit = max_field_bytes()
    csv.field_size_limit(limit)
    line_num = getattr(reader, "line_num", 0)
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            line = getattr(reader, "line_num", line_num)
            problem = (
                f"field over {limit // 1024} KiB (limit TRADESCREEN_MAX_FIELD_BYTES)"
                if "field larger" in str(exc)
                else f"malformed CSV ({exc})"
            )
            raise InputError(problem, file=str(path), line=line) from exc
        for index, cell in enumerate(row):
            if len(cell) > limit:
                name = header[index] if index < len(header) else f"column {index + 1}"
                raise InputError(
                    f"field over {limit // 1024} KiB (limit TRADESCREEN_MAX_FIELD_BYTES)",
                    file=str(path),
                    line=getattr(reader, "line_num", 0),
                    field=name,
                )
        yield row


def read_text(path: Path, encodings: Sequence[str] = ("utf-8-sig",)) -> str:
    """The file's text; refuses empty files, UTF-16 and undecodable bytes with the line."""
    raw = path.read_bytes()
    if not raw.strip(b"\x1a\r\n\t "):
        raise InputError("file is empty", file=str(path), line=1)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in raw[:4096]:
        raise InputError("not a UTF-8 text file (NUL bytes or UTF-16)", file=str(path), line=1)
    error: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError as exc:
            error = error or exc
    assert error is not None
    line = raw[: error.start].count(b"\n") + 1
    raise InputError(
        f"not valid {encodings[0]} text (byte {raw[error.start : error.start + 1]!r})",
        file=str(path),
        line=line,
    )


def dict_rows(
    path: Path, required: Sequence[str], *, delimiter: str = ",", what: str = "list file"
) -> Iterator[tuple[int, dict[str, str]]]:
    """Rows as dicts with their first line number; the header must hold `required`."""
    text = read_text(path)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header = [h.strip() for h in next(checked_rows(reader, path), [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"not a {what}: header lacks {', '.join(missing)}", file=str(path), line=1, field=missing[0]
        )
    line = 2
    for row in checked_rows(reader, path, header):
        start = line
        line = reader.line_num + 1
        if not row or all(not c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise InputError(
                f"expected {len(header)} fields, found {len(row)}",
                file=str(path),
                line=start,
                field=header[len(row)] if len(row) < len(header) else "row",
            )
        yield start, dict(zip(header, (c.strip() for c in row), strict=True))
    if text.rstrip("\r\n\x1a").count('"') % 2:
        raise InputError("unterminated quoted field (truncated file?)", file=str(path), line=line)
