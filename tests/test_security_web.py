"""Web defences: CSRF from a second origin in real Chromium, login checks the key, logout,
cookie flags, batch jobs visible only to their owner."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import httpx
import pytest
from sqlalchemy import Engine, func, select

from tests.conftest import CHROMIUM
from tests.live_server import live_server
from tradescreen.config import CURATED_DIR
from tradescreen.domain import Party
from tradescreen.services.auth import Role, create_key
from tradescreen.services.screening import screen_party
from tradescreen.store.db import make_engine, migrate, session_scope
from tradescreen.store.load import load_path
from tradescreen.store.review_tables import AlertRow


def _open_alerts(engine: Engine) -> int:
    with session_scope(engine) as s:
        return s.scalar(select(func.count()).select_from(AlertRow).where(AlertRow.state == "open")) or 0


@pytest.fixture(scope="module")
def site(
    tmp_path_factory: pytest.TempPathFactory, shared_data: Path
) -> Iterator[tuple[str, Engine, dict[str, str]]]:
    folder = tmp_path_factory.mktemp("csrf")
    mp = pytest.MonkeyPatch()
    mp.setenv("TRADESCREEN_CONFIG_DIR", str(folder / "config"))
    engine = make_engine(f"sqlite:///{folder / 'w.db'}")
    migrate(engine)
    with session_scope(engine) as s:
        load_path(s, CURATED_DIR)
        load_path(s, shared_data / "dod_1260h" / "1260h.csv")  # an official list: screening answers
    with session_scope(engine) as s:
        for name in ("Huawei Technologies Co Ltd", "Hikvision"):
            screen_party(s, Party(name, id=name[:3]), actor="tester")  # recorded: alerts open
        keys = {r.name.lower(): create_key(s, r, r.name.lower()) for r in Role}
    mp.setenv("TRADESCREEN_LOCAL_AUTH", "1")
    with live_server(engine) as base:
        yield base, engine, keys
    mp.undo()


@pytest.fixture
def attacker(tmp_path: Path, site: tuple[str, Engine, dict[str, str]]) -> Iterator[str]:
    """A second origin (another 127.0.0.1 port) serving a page that auto-submits a form
    clearing every alert on the tradescreen site."""
    base, engine, _ = site
    with session_scope(engine) as s:
        ids = [a.id for a in s.scalars(select(AlertRow).where(AlertRow.state == "open"))]
    inputs = "".join(f'<input name="alert_ids" value="{i}">' for i in ids)
    (tmp_path / "index.html").write_text(
        f'<html><body><form id="f" method="post" action="{base}/review">{inputs}'
        '<input name="action" value="clear"><input name="reason" value="pwned"></form>'
        "<script>document.getElementById('f').submit()</script></body></html>",
        encoding="utf-8",
    )
    handler = partial(http.server.SimpleHTTPRequestHandler, directory=str(tmp_path))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


def test_cross_origin_form_cannot_clear_alerts(
    site: tuple[str, Engine, dict[str, str]], attacker: str, browser: object
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian chromium is not installed")
    base, engine, _ = site
    before = _open_alerts(engine)
    assert before >= 2
    page = browser.new_page()  # type: ignore[attr-defined]
    page.goto(base + "/review")  # the victim has the site open: its CSRF cookie is set
    page.goto(attacker)
    page.wait_for_load_state("networkidle")
    assert "CSRF" in page.content()
    assert _open_alerts(engine) == before
    # The real form on the site itself still works (it carries the token).
    page.goto(base + "/review")
    page.locator("input[name=alert_ids]").nth(0).check()
    page.get_by_label("Reason (required)").fill("different company")
    page.get_by_role("button", name="Apply to selected").click()
    page.wait_for_load_state("networkidle")
    assert "review?message=" in page.url, page.content()
    assert _open_alerts(engine) == before - 1
    page.close()


def test_post_without_token_is_403(site: tuple[str, Engine, dict[str, str]]) -> None:
    base, _engine, _ = site
    r = httpx.post(base + "/review", data={"action": "clear", "alert_ids": "1", "reason": "x"})
    assert r.status_code == 403 and r.json()["error"]["field"] == "csrf_token"


def _session_with_token(base: str, key: str | None = None) -> tuple[httpx.Client, str]:
    client = httpx.Client(base_url=base, follow_redirects=False)
    if key:
        client.cookies.set("tradescreen_key", key)
    page = client.get("/login")
    token = client.cookies["tradescreen_csrf"]
    assert f'value="{token}"' in page.text
    set_cookie = page.headers["set-cookie"].lower()
    assert "httponly" in set_cookie and "samesite=strict" in set_cookie
    return client, token


def test_login_checks_the_key_and_logout_clears_it(site: tuple[str, Engine, dict[str, str]]) -> None:
    base, _engine, keys = site
    client, token = _session_with_token(base)
    bad = client.post("/login", data={"key": "ts_nonsense", "csrf_token": token})
    assert bad.status_code == 401 and "tradescreen_key" not in bad.headers.get("set-cookie", "")
    good = client.post("/login", data={"key": keys["viewer"], "csrf_token": token})
    assert good.status_code == 303
    cookie = good.headers["set-cookie"].lower()
    assert "tradescreen_key=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "secure" not in cookie  # plain HTTP on loopback; Secure is set over HTTPS
    out = client.post("/logout", data={"csrf_token": token})
    assert out.status_code == 303 and 'tradescreen_key=""' in out.headers["set-cookie"]


def test_batch_job_is_visible_only_to_its_owner(
    site: tuple[str, Engine, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    base, _engine, keys = site
    monkeypatch.setenv("TRADESCREEN_LOCAL_AUTH", "0")
    owner, token = _session_with_token(base, keys["screener"])
    started = owner.post(
        "/batch",
        files={"file": ("p.csv", b"id,name\n1,Huawei Technologies\n", "text/csv")},
        data={"csrf_token": token},
    )
    assert started.status_code == 303, started.text
    job = started.headers["location"]
    assert owner.get(job + "/status").status_code == 200
    other, _ = _session_with_token(base, keys["admin"])
    assert other.get(job + "/status").status_code == 404
    assert other.get(job + "/download").status_code == 404
