"""Request limits: body size per path, and text no database can store (NUL characters).

PostgreSQL refuses NUL in text columns and SQLite truncates at it in places; either way
the request is bad input, so it is refused up front with 422 naming the field.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel

from tradescreen.config import int_setting

MAX_BODY_BYTES_DEFAULT = 2 * 1024 * 1024
# The web batch upload takes a customer file: ten times the API body limit.
UPLOAD_FACTOR = 10


class BodyTooLarge(Exception):
    """The body grew past the limit while it was being read."""

    def __init__(self, size: int) -> None:
        super().__init__(f"body over the limit after {size} bytes")
        self.size = size


def body_limit_for(path: str) -> int:
    """The body limit in bytes for `path` (`TRADESCREEN_MAX_BODY_BYTES`, default 2 MiB)."""
    limit = int_setting("TRADESCREEN_MAX_BODY_BYTES", MAX_BODY_BYTES_DEFAULT)
    return limit * UPLOAD_FACTOR if path.startswith("/batch") else limit


def _walk(value: Any, where: str) -> str | None:
    if isinstance(value, str):
        return where or "body" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            name = f"{where}.{key}" if where else str(key)
            if "\x00" in str(key):
                return name.replace("\x00", "")
            found = _walk(item, name)
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _walk(item, f"{where}.{index}" if where else str(index))
            if found:
                return found
    return None


def find_nul(body: bytes, content_type: str) -> str | None:
    """The dotted name of the first field holding a NUL character (e.g. `parties.0.name`),
    `body` when the body has one elsewhere, or None. Multipart uploads are left to the
    upload's own parser (a CSV file is checked line by line there)."""
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind.startswith("multipart/"):
        return None
    if kind == "application/x-www-form-urlencoded":
        for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
            if "\x00" in name or "\x00" in value:
                return name.replace("\x00", "") or "body"
        return None
    if b"\x00" not in body and b"\\u0000" not in body.lower():
        return None
    if kind.endswith("json"):
        try:
            return _walk(json.loads(body), "") or ("body" if b"\x00" in body else None)
        except (ValueError, RecursionError):
            return "body" if b"\x00" in body else None
    return "body" if b"\x00" in body else None


class ErrorDetail(BaseModel):
    """What went wrong, and the field when one is to blame."""

    message: str
    field: str | None = None


class ErrorDocument(BaseModel):
    """The body of every error response."""

    error: ErrorDetail


# Documented on every operation (FastAPI `responses=` at the app level): the statuses the
# middleware and the shared error handlers can return for any route.
DOCUMENTED_ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorDocument, "description": "Malformed request body (not parseable)"},
    401: {"model": ErrorDocument, "description": "No valid API key (checked before the body is read)"},
    403: {"model": ErrorDocument, "description": "Role too low, or (local mode) a non-loopback Host/Origin"},
    404: {"model": ErrorDocument, "description": "No such object (entity, version, case, alert, screening)"},
    413: {"model": ErrorDocument, "description": "Request body over the limit"},
    422: {"model": ErrorDocument, "description": "Invalid input (names the field), NUL characters included"},
    503: {"model": ErrorDocument, "description": "No official list loaded: the service fails closed"},
}
