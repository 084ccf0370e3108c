"""ASGI middleware that guards every request before the application sees it.

In order, for each HTTP request:

1. In local-auth mode (no key needed from loopback), the Host header and any Origin must
   name a loopback address: a page on another site, or a DNS-rebinding name pointing at
   127.0.0.1, is refused with 403.
2. A request that carries a body (POST, PUT, PATCH, DELETE) to a protected path must be
   authenticated *before* a byte of the body is read (401 otherwise), so an anonymous
   client cannot make the server buffer a large upload.
3. The body is counted while it is read, with or without Content-Length (chunked
   uploads too): past the limit the request is refused with 413 and the rest is never read.
4. Text no database can store (a NUL character) in the query string or a JSON or form
   body is refused with 422 naming the field, before any handler or database sees it.
5. Every response gets the security headers (:data:`SECURITY_HEADERS`).
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from anyio import to_thread

from tradescreen.api.limits import BodyTooLarge, body_limit_for, find_nul
from tradescreen.services.auth import identify, local_auth_enabled
from tradescreen.store.db import session_scope

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

# Swagger UI and ReDoc pages load their scripts from a CDN; everything else is same-origin.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "img-src 'self' data: https://fastapi.tiangolo.com; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cross-origin-opener-policy", b"same-origin"),
)
DOCS_PATHS = ("/docs", "/redoc")

# Paths that take a body without a key: the login form (it *is* the key check).
PUBLIC_BODY_PATHS = frozenset({"/login", "/logout"})
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
LOOPBACK_CLIENTS = frozenset({"127.0.0.1", "::1"})
# Starlette's in-process TestClient: client "testclient", Host "testserver". A real socket
# always reports an IP address as the client, so this pair cannot come from the network.
TEST_CLIENT = ("testclient", "testserver")


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key == name:
            return bytes(value).decode("latin-1")
    return None


def _hostname(value: str) -> str:
    """The host part of a Host header or URL netloc, without port and brackets."""
    netloc = urlsplit("//" + value).hostname
    return (netloc or "").lower()


def _api_key(scope: Scope) -> str | None:
    key = _header(scope, b"x-api-key")
    auth = _header(scope, b"authorization") or ""
    if not key and auth.lower().startswith("bearer "):
        key = auth[7:].strip()
    if not key:
        cookie = _header(scope, b"cookie") or ""
        for part in cookie.split(";"):
            name, _, value = part.strip().partition("=")
            if name == "tradescreen_key" and value:
                key = value.strip('"')
    return key or None


async def _json_error(
    send: Send, status: int, message: str, field: str | None, extra: list[Any] | None = None
) -> None:
    body = json.dumps({"error": {"message": message, "field": field}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    headers += extra or []
    headers += [*list(SECURITY_HEADERS), (b"content-security-policy", STRICT_CSP.encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class SecurityMiddleware:
    """See the module docstring; wrap the whole application with it."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        client = (scope.get("client") or ("", 0))[0]
        host = _header(scope, b"host") or ""

        if local_auth_enabled() and not self._loopback_request(client, host, _header(scope, b"origin")):
            await _json_error(send, 403, "local mode accepts only loopback Host and Origin values", "Host")
            return

        method = scope.get("method", "GET")
        needs_key = method in BODY_METHODS and path not in PUBLIC_BODY_PATHS
        if needs_key and not await self._authenticated(scope, client):
            await _json_error(
                send,
                401,
                "a valid API key is required (X-API-Key header)",
                None,
                [(b"www-authenticate", b"Bearer")],
            )
            return

        for name, value in parse_qsl(
            bytes(scope.get("query_string", b"")).decode("latin-1"), keep_blank_values=True
        ):
            if "\x00" in name or "\x00" in value:
                await _json_error(send, 422, f"{name.strip(chr(0))}: NUL characters are not allowed", name)
                return

        limit = body_limit_for(path)
        length = _header(scope, b"content-length")
        if length and length.strip().isdigit() and int(length) > limit:
            await _json_error(send, 413, f"request body over {limit} bytes", "body")
            return

        if method in BODY_METHODS:
            try:
                body = await self._read_body(receive, limit)
            except BodyTooLarge:
                await _json_error(send, 413, f"request body over {limit} bytes", "body")
                return
            field = find_nul(body, _header(scope, b"content-type") or "")
            if field is not None:
                await _json_error(send, 422, f"{field}: NUL characters are not allowed", field)
                return
            receive = _replay(body, receive)

        csp = DOCS_CSP if path.startswith(DOCS_PATHS) else STRICT_CSP

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = [
                    h for h in message.get("headers", []) if h[0].lower() != b"content-security-policy"
                ]
                headers += [*list(SECURITY_HEADERS), (b"content-security-policy", csp.encode())]
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _loopback_request(client: str, host: str, origin: str | None) -> bool:
        if (client, host) == TEST_CLIENT and origin is None:
            return True
        if _hostname(host) not in LOOPBACK_HOSTS:
            return False
        if origin is None or origin == "null":
            return origin is None
        allowed = LOOPBACK_HOSTS | ({TEST_CLIENT[1]} if client == TEST_CLIENT[0] else set())
        return _hostname(urlsplit(origin).netloc) in allowed

    @staticmethod
    async def _authenticated(scope: Scope, client: str) -> bool:
        key = _api_key(scope)
        if not key:
            return local_auth_enabled() and (client in LOOPBACK_CLIENTS or client == TEST_CLIENT[0])
        engine = scope["app"].state.engine

        def check() -> bool:
            with session_scope(engine) as session:
                return identify(session, key) is not None

        return await to_thread.run_sync(check)

    @staticmethod
    async def _read_body(receive: Receive, limit: int) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = bytes(message.get("body", b""))
            size += len(chunk)
            if size > limit:
                raise BodyTooLarge(size)
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)


def _replay(body: bytes, receive: Receive) -> Receive:
    """A receive() that hands the already-read body to the application once."""
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replay
