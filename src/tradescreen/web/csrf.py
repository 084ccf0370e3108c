"""CSRF protection for the web pages, in every auth mode (double-submit token).

Each browser gets a random token in the cookie `tradescreen_csrf` (HttpOnly,
SameSite=Strict, Secure over HTTPS). Pages render it into every state-changing form as
the hidden field `csrf_token` (``{{ request.state.csrf_token }}``). A POST, PUT, PATCH or
DELETE to a web path must send the same value back (form field, or the `X-CSRF-Token`
header); otherwise 403. A page on another origin can neither read the cookie nor the
page, so it cannot forge the field. The JSON API (`/api/`) authenticates with a key
header instead and is not cookie-driven; it is exempt.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

COOKIE = "tradescreen_csrf"
FIELD = "csrf_token"
HEADER = b"x-csrf-token"
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32,64}$")
_MULTIPART_FIELD = re.compile(rb'name="csrf_token"\r\n\r\n([A-Za-z0-9_-]{32,64})\r\n')


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def cookie_token(scope: Scope) -> str | None:
    """The CSRF token the browser holds, if it is well formed."""
    for part in (_header(scope, b"cookie") or "").split(";"):
        name, _, value = part.strip().partition("=")
        if name == COOKIE and _TOKEN_RE.match(value):
            return value
    return None


def submitted_token(scope: Scope, body: bytes) -> str | None:
    """The token the request sends back: header, urlencoded field or multipart field."""
    header = _header(scope, HEADER)
    if header:
        return header
    kind = (_header(scope, b"content-type") or "").split(";", 1)[0].strip().lower()
    if kind == "application/x-www-form-urlencoded":
        for name, value in parse_qsl(body.decode("latin-1"), keep_blank_values=True):
            if name == FIELD:
                return value
    elif kind == "multipart/form-data":
        found = _MULTIPART_FIELD.search(body)
        if found:
            return found.group(1).decode()
    return None


def cookie_header(token: str, secure: bool) -> tuple[bytes, bytes]:
    """The Set-Cookie header carrying `token`."""
    value = f"{COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict" + ("; Secure" if secure else "")
    return (b"set-cookie", value.encode())


class CSRFMiddleware:
    """Issues the token cookie and refuses state-changing web requests without the token."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held = cookie_token(scope)
        token = held or secrets.token_urlsafe(32)
        scope.setdefault("state", {})["csrf_token"] = token
        path: str = scope.get("path", "")
        if scope.get("method") in STATE_CHANGING and not path.startswith("/api/"):
            body, receive = await _buffer(receive)
            sent = submitted_token(scope, body)
            if held is None or sent is None or not hmac.compare_digest(sent, held):
                await _forbidden(send)
                return
        secure = scope.get("scheme") == "https"

        async def send_with_cookie(message: Message) -> None:
            if message["type"] == "http.response.start" and held is None:
                message["headers"] = [*message.get("headers", []), cookie_header(token, secure)]
            await send(message)

        await self.app(scope, receive, send_with_cookie)


async def _buffer(receive: Receive) -> tuple[bytes, Receive]:
    """Read the body (already size-limited by the security middleware) and replay it."""
    chunks: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] != "http.request":
            break
        chunks.append(bytes(message.get("body", b"")))
        if not message.get("more_body", False):
            break
    body = b"".join(chunks)
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return body, replay


async def _forbidden(send: Send) -> None:
    body = json.dumps(
        {"error": {"message": "missing or wrong CSRF token; reload the page and try again", "field": FIELD}}
    ).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
