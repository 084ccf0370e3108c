"""Webhooks: a secret is required, the signature covers timestamp + delivery id + body,
dangerous destinations are refused, and failures end in a dead letter with a CLI."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from tradescreen import monitor
from tradescreen.cli import app
from tradescreen.errors import InputError
from tradescreen.store.db import get_engine, session_scope
from tradescreen.store.review_tables import OutboxRow

runner = CliRunner()


class _Hook(http.server.BaseHTTPRequestHandler):
    fail: ClassVar[bool] = False
    seen: ClassVar[list[dict[str, str]]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        _Hook.seen.append({**dict(self.headers.items()), "body": body.decode()})
        self.send_response(500 if _Hook.fail else 204)
        self.end_headers()


@pytest.fixture
def hook(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("TRADESCREEN_DB", f"sqlite:///{tmp_path / 'h.db'}")
    monkeypatch.setenv("TRADESCREEN_CONFIG_DIR", str(tmp_path / "config"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Hook.seen, _Hook.fail = [], False
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def test_no_secret_refuses_and_names_the_setting(hook: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADESCREEN_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    with session_scope(get_engine()) as s:
        monitor.enqueue(s, hook, {"event": "x"})
    with pytest.raises(InputError) as err, session_scope(get_engine()) as s:
        monitor.deliver(s, "")
    assert "TRADESCREEN_WEBHOOK_SECRET" in str(err.value)
    monkeypatch.delenv("TRADESCREEN_WEBHOOK_SECRET", raising=False)
    result = runner.invoke(app, ["webhooks", "dead-letter", "retry"])
    assert result.exit_code in (0, 2)  # nothing dead yet: no delivery attempted
    assert _Hook.seen == []


def test_signature_covers_timestamp_delivery_id_and_body(hook: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADESCREEN_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    with session_scope(get_engine()) as s:
        monitor.enqueue(s, hook, {"event": "alerts", "alerts": [7]})
        assert monitor.deliver(s, "s3cret", backoff=0.01) == (1, 0)
    got = _Hook.seen[0]
    ts, delivery = got[monitor.TIMESTAMP_HEADER], got[monitor.DELIVERY_HEADER]
    expected = hmac.new(b"s3cret", f"{ts}.{delivery}.{got['body']}".encode(), hashlib.sha256).hexdigest()
    assert got[monitor.SIGNATURE_HEADER] == "v1=" + expected
    # The body-only signature of old (replayable forever) is no longer what is sent.
    assert (
        hmac.new(b"s3cret", got["body"].encode(), hashlib.sha256).hexdigest()
        not in got[monitor.SIGNATURE_HEADER]
    )
    assert len(delivery) == 36


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:9/x",
        "http://169.254.169.254/latest/meta-data",
        "http://[::1]:9/",
        "file:///etc/passwd",
        "http://10.1.2.3/hook",
        "http://172.20.0.5:8080/hook",
        "https://192.168.1.10/hook",
        "http://[fd12:3456::1]/hook",
        "http://[::ffff:10.0.0.1]/hook",
    ],
)
def test_dangerous_destinations_are_refused(url: str, hook: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADESCREEN_WEBHOOK_ALLOW_HOSTS", raising=False)
    assert monitor.destination_refusal(url)
    with session_scope(get_engine()) as s:
        monitor.enqueue(s, url, {"event": "x"})
        assert monitor.deliver(s, "s", backoff=0.01) == (0, 1)
        assert [r.url for r in monitor.dead_letters(s)] == [url]


def test_dead_letter_after_n_attempts_then_list_and_retry(hook: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRADESCREEN_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    monkeypatch.setenv("TRADESCREEN_WEBHOOK_MAX_ATTEMPTS", "3")
    monkeypatch.setenv("TRADESCREEN_WEBHOOK_SECRET", "s")
    _Hook.fail = True
    with session_scope(get_engine()) as s:
        monitor.enqueue(s, hook, {"event": "x"})
        assert monitor.deliver(s, "s", attempts=2, backoff=0.01) == (0, 1)
        assert monitor.deliver(s, "s", attempts=2, backoff=0.01) == (0, 1)
        assert monitor.deliver(s, "s", attempts=2, backoff=0.01) == (0, 0)  # dead: not tried
    assert len(_Hook.seen) == 3
    listed = runner.invoke(app, ["webhooks", "dead-letter", "list"])
    assert listed.exit_code == 0 and "HTTP 500" in listed.output and "/hook" in listed.output
    _Hook.fail = False
    retried = runner.invoke(app, ["webhooks", "dead-letter", "retry"])
    assert retried.exit_code == 0, retried.output
    assert "1 delivered" in retried.output
    with session_scope(get_engine()) as s:
        assert s.scalars(select(OutboxRow)).one().delivered_at is not None


def test_retry_without_secret_is_exit_2_naming_the_setting(
    hook: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TRADESCREEN_WEBHOOK_MAX_ATTEMPTS", "1")
    monkeypatch.delenv("TRADESCREEN_WEBHOOK_SECRET", raising=False)
    with session_scope(get_engine()) as s:
        row = monitor.enqueue(s, hook, {"event": "x"})
        row.attempts = 1
    result = runner.invoke(app, ["webhooks", "dead-letter", "retry"])
    assert result.exit_code == 2
    assert "TRADESCREEN_WEBHOOK_SECRET" in result.output


def test_private_range_is_refused_unless_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADESCREEN_WEBHOOK_ALLOW_HOSTS", raising=False)
    refusal = monitor.destination_refusal("http://10.1.2.3/hook")
    assert refusal and "private address (10.1.2.3)" in refusal
    assert "TRADESCREEN_WEBHOOK_ALLOW_HOSTS" in refusal
    monkeypatch.setenv("TRADESCREEN_WEBHOOK_ALLOW_HOSTS", "10.1.2.3")
    assert monitor.destination_refusal("http://10.1.2.3/hook") is None
    # A public address passes.
    assert monitor.destination_refusal("http://93.184.216.34/hook") is None


def test_delivery_connects_to_the_checked_address_with_the_host_kept(
    hook: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DNS rebinding: the name is resolved once, checked, and the connection goes to that
    address; a second lookup (which could answer 10.0.0.1 or 127.0.0.1) never happens."""
    port = hook.rsplit(":", 1)[1].split("/", 1)[0]
    answers = iter([["127.0.0.1"]])
    lookups: list[str] = []

    def resolve(host: str, _port: int) -> list[str]:
        lookups.append(host)
        return next(answers)  # a second lookup raises StopIteration: the test fails

    monkeypatch.setattr(monitor, "_resolve", resolve)
    monkeypatch.setenv("TRADESCREEN_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    url = f"http://hooks.receiver.example:{port}/hook"
    with session_scope(get_engine()) as s:
        monitor.enqueue(s, url, {"event": "x"})
        assert monitor.deliver(s, "s3cret", backoff=0.01) == (1, 0)
    assert lookups == ["hooks.receiver.example"]
    headers = {k.lower(): v for k, v in _Hook.seen[0].items()}
    assert headers["host"] == f"hooks.receiver.example:{port}"


def test_rebinding_to_a_private_address_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRADESCREEN_WEBHOOK_ALLOW_HOSTS", raising=False)
    monkeypatch.setattr(monitor, "_resolve", lambda host, port: ["93.184.216.34", "192.168.0.7"])
    refusal = monitor.destination_refusal("https://hooks.receiver.example/x")
    assert refusal and "192.168.0.7" in refusal


def test_https_destination_keeps_the_name_for_sni(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(monitor, "_resolve", lambda host, port: ["93.184.216.34"])
    pinned = monitor.check_destination("https://hooks.receiver.example/a?b=1")
    assert pinned.url == "https://93.184.216.34/a?b=1"
    assert pinned.sni == "hooks.receiver.example" and pinned.host_header == "hooks.receiver.example"
