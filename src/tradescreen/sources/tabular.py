"""Reading delimited text files with line numbers and clear errors (shared by parsers)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence
from pathlib import Path

from tradescreen.errors import InputError


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
    header = [h.strip() for h in next(reader, [])]
    missing = [c for c in required if c not in header]
    if missing:
        raise InputError(
            f"not a {what}: header lacks {', '.join(missing)}", file=str(path), line=1, field=missing[0]
        )
    line = 2
    for row in reader:
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
