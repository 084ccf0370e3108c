"""Bounded requests: auth before the body, body limits while reading (chunked too), NUL
bytes refused with 422 naming the field on SQLite and PostgreSQL, security headers, and
the local-mode Host/Origin check."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine

from tests.live_server import live_server
from tradescreen.app import create_app
from tradescreen.config import CURATED_DIR
from tradescreen.services.auth import Role, create_key
from tradescreen.store.db import session_scope
from tradescreen.store.load import load_path


def _scope(path: str, headers: list[tuple[bytes, bytes]], app: Any, method: str = "POST") -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"127.0.0.1:8000"), *headers],
        "client": ("203.0.113.9", 5555),
        "server": ("127.0.0.1", 8000),
        "app": app,
    }


def _call_chunked(app: Any, headers: list[tuple[bytes, bytes]], total_chunks: int) -> tuple[int, int]:
    """POST /api/v1/screen with a chunked body (no Content-Length) of `total_chunks` x 64 KiB;
    returns (status, chunks the server pulled)."""
    pulled = 0
    status = 0
    chunk = b"x" * 65536

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": chunk, "more_body": pulled < total_chunks}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    asyncio.run(
        app(_scope("/api/v1/screen", [(b"content-type", b"application/json"), *headers], app), receive, send)
    )
    return status, pulled


# Generous timeouts: the first request on a fresh store builds the name index.
_get = functools.partial(httpx.get, timeout=60)
_post = functools.partial(httpx.post, timeout=60)


@pytest.fixture
def keyed(engine: Engine) -> tuple[Any, dict[str, str]]:
    with session_scope(engine) as s:
        keys = {role.name.lower(): create_key(s, role, role.name.lower()) for role in Role}
    return create_app(engine), keys


def test_unauthenticated_1gb_chunked_post_is_refused_unread(keyed: tuple[Any, dict[str, str]]) -> None:
    app, _keys = keyed
    status, pulled = _call_chunked(app, [], total_chunks=16384)  # 1 GiB if read whole
    assert status == 401
    assert pulled == 0


def test_wrong_key_is_refused_before_the_body(keyed: tuple[Any, dict[str, str]]) -> None:
    app, _keys = keyed
    status, pulled = _call_chunked(app, [(b"x-api-key", b"ts_wrongwrongwrong")], total_chunks=16384)
    assert (status, pulled) == (401, 0)


def test_authenticated_chunked_body_stops_at_the_limit(keyed: tuple[Any, dict[str, str]]) -> None:
    app, keys = keyed
    status, pulled = _call_chunked(app, [(b"x-api-key", keys["screener"].encode())], total_chunks=16384)
    assert status == 413
    assert pulled <= (2 * 1024 * 1024) // 65536 + 1


@pytest.fixture
def api(engine: Engine, shared_data: Path) -> Iterator[tuple[str, dict[str, str]]]:
    with session_scope(engine) as s:
        load_path(s, CURATED_DIR)
        load_path(s, shared_data / "csl_sample" / "dpl.txt")  # an official list: screening answers
        keys = {role.name.lower(): create_key(s, role, role.name.lower()) for role in Role}
    with live_server(engine) as base:
        yield base, keys


def test_nul_bytes_are_422_naming_the_field(api: tuple[str, dict[str, str]]) -> None:
    base, keys = api
    headers = {"X-API-Key": keys["admin"]}
    screened = _post(
        base + "/api/v1/screen", json={"parties": [{"id": "1", "name": "Hua\x00wei"}]}, headers=headers
    )
    assert screened.status_code == 422, screened.text
    assert screened.json()["error"]["field"] == "parties.0.name"
    searched = _get(base + "/api/v1/search", params={"name": "Hua\x00wei"}, headers=headers)
    assert searched.status_code == 422 and searched.json()["error"]["field"] == "name"
    case = _post(
        base + "/api/v1/cases",
        json={"party": "X\x00", "action": "add", "rationale": "r", "proposer": "p"},
        headers=headers,
    )
    assert case.status_code == 422, case.text
    assert "\x00" not in case.text and "NUL" in case.json()["error"]["message"]


def test_content_length_over_the_limit_is_413(api: tuple[str, dict[str, str]]) -> None:
    base, keys = api
    big = b'{"parties": [' + b" " * (3 * 1024 * 1024) + b"]}"
    r = _post(
        base + "/api/v1/screen",
        content=big,
        headers={"X-API-Key": keys["screener"], "content-type": "application/json"},
    )
    assert r.status_code == 413


def test_security_headers_on_every_response(api: tuple[str, dict[str, str]]) -> None:
    base, _keys = api
    for path in ("/api/v1/healthz", "/api/v1/lists", "/login"):
        r = _get(base + path)
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "same-origin"
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp


def test_local_mode_accepts_only_loopback_host_and_origin(
    api: tuple[str, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _keys = api
    monkeypatch.setenv("TRADESCREEN_LOCAL_AUTH", "1")
    assert _get(base + "/api/v1/lists").status_code == 200
    rebinding = _get(base + "/api/v1/lists", headers={"Host": "attacker.example:8000"})
    assert rebinding.status_code == 403 and rebinding.json()["error"]["field"] == "Host"
    cross = _post(
        base + "/api/v1/screen",
        json={"parties": [{"id": "1", "name": "Acme Widgets"}]},
        headers={"Origin": "http://attacker.example"},
    )
    assert cross.status_code == 403
    same = _post(
        base + "/api/v1/screen",
        json={"parties": [{"id": "1", "name": "Acme Widgets"}]},
        headers={"Origin": base},
    )
    assert same.status_code == 200, same.text
