"""Alerts and dispositions, false-positive memory, the audit chain, delta monitoring and
webhooks with failing receivers."""

from __future__ import annotations

import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import ClassVar

import pytest
from sqlalchemy import Engine, select, text

from tradescreen import certificate, monitor, review
from tradescreen.domain import Party, ScreeningResult
from tradescreen.match.screen import Screener
from tradescreen.services.screeners import screener_for
from tradescreen.sources.csl import parse_csl_csv
from tradescreen.store import audit
from tradescreen.store.db import session_scope
from tradescreen.store.load import load_path, write_parsed
from tradescreen.store.review_tables import AlertRow, OutboxRow
from tradescreen.store.versions import active_entities


@pytest.fixture
def store(engine: Engine, shared_data: Path) -> Engine:
    with session_scope(engine) as s:
        load_path(s, shared_data / "csl_sample" / "csl.csv")
    return engine


def _screen(engine: Engine, name: str, customer: str) -> review.RecordedScreening:
    with session_scope(engine) as s:
        party = Party(name, id=customer)
        result = ScreeningResult(party, tuple(screener_for(s).screener.screen(party)))
        return review.record_screening(s, result, actor="tester", customer_id=customer)


def test_alert_life_cycle_and_four_eyes(store: Engine, tmp_path: Path) -> None:
    first = _screen(store, "200G PSA Holdings LLC", "c1")
    assert len(first.new_alerts) == 1
    alert_id = first.new_alerts[0]
    with session_scope(store) as s:
        assert [a.id for a in review.alerts(s)] == [alert_id]
        with pytest.raises(Exception, match="reason"):
            review.dispose(s, alert_id, action="confirm", reviewer="ann", reason=" ")
        assert (
            review.dispose(
                s, alert_id, action="confirm", reviewer="ann", reason="same entity", four_eyes=True
            ).state
            == "escalated"
        )
    with session_scope(store) as s, pytest.raises(review.ReviewError, match="second reviewer"):
        review.dispose(s, alert_id, action="confirm", reviewer="ann", reason="again", four_eyes=True)
    with session_scope(store) as s:
        assert (
            review.dispose(
                s, alert_id, action="confirm", reviewer="bob", reason="agree", four_eyes=True
            ).state
            == "confirmed"
        )
        with pytest.raises(review.ReviewError, match="already confirmed"):
            review.dispose(s, alert_id, action="clear", reviewer="bob", reason="x")
        html = certificate.write(s, first.screening_id, tmp_path / "cert.html").read_text()
        certificate.write(s, first.screening_id, tmp_path / "cert.pdf")
    assert "200G PSA HOLDINGS LLC" in html and "confirmed" in html and "bob: confirm" in html
    assert (tmp_path / "cert.pdf").read_bytes().startswith(b"%PDF")


def test_cleared_false_positive_is_remembered_until_something_changes(
    store: Engine, shared_data: Path, tmp_path: Path
) -> None:
    first = _screen(store, "200G PSA Holdings LLC", "c1")
    with session_scope(store) as s:
        review.dispose(s, first.new_alerts[0], action="clear", reviewer="ann", reason="different company")
    again = _screen(store, "200G PSA Holdings LLC", "c1")
    assert again.new_alerts == [] and again.suppressed
    renamed = _screen(store, "200G PSA Holdings L.L.C.", "c1")
    assert renamed.new_alerts
    with session_scope(store) as s:
        assert "name changed" in s.get(AlertRow, renamed.new_alerts[0]).reason  # type: ignore[union-attr]
        review.dispose(s, renamed.new_alerts[0], action="clear", reviewer="ann", reason="still different")
    # the list entry gains an alias: the pair comes back with what changed
    original = (shared_data / "csl_sample" / "csl.csv").read_text(encoding="utf-8")
    changed = tmp_path / "csl.csv"
    lines = original.splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if "200G PSA HOLDINGS LLC" in line)
    lines[row] = lines[row].replace('http://bit.ly/1I7ipyR,""', "http://bit.ly/1I7ipyR,200G HOLDINGS", 1)
    assert "200G HOLDINGS," in lines[row]
    changed.write_text("".join(lines), encoding="utf-8")
    with session_scope(store) as s:
        load_path(s, changed)
    back = _screen(store, "200G PSA Holdings L.L.C.", "c1")
    with session_scope(store) as s:
        assert back.new_alerts and "list entry changed" in s.get(AlertRow, back.new_alerts[0]).reason  # type: ignore[union-attr]


def test_audit_chain_detects_tampering(store: Engine) -> None:
    _screen(store, "200G PSA Holdings LLC", "c1")
    with session_scope(store) as s:
        report = audit.verify(s)
        assert report.ok and report.records >= 3  # list load, screening, result
    with store.begin() as conn:
        conn.execute(text("UPDATE audit_log SET actor = 'mallory' WHERE seq = 2"))
    with session_scope(store) as s:
        assert any("record 2" in p and "edited" in p for p in audit.verify(s).problems)
    with store.begin() as conn:
        conn.execute(text("DELETE FROM audit_log WHERE seq = 2"))
    with session_scope(store) as s:
        problems = audit.verify(s).problems
    assert any("missing" in p for p in problems) and any("record 3" in p for p in problems)


def test_delta_monitoring_finds_exactly_the_new_hits(
    store: Engine, shared_data: Path, tmp_path: Path
) -> None:
    book = tmp_path / "book.csv"
    book.write_text(
        "id,name,country\nc1,Gazprombank Asset Management,RU\nc2,Bakery of Leeds,GB\nc3,Acme Widgets,US\n",
        encoding="utf-8",
    )
    with session_scope(store) as s:
        assert monitor.import_book(s, book).added == 3
        first = monitor.run(s)  # first run: everything is new
    assert first.feeds["csl"][0] is None
    # the next version adds an entry that matches customer c3
    parsed = parse_csl_csv(shared_data / "csl_sample" / "csl.csv")
    from dataclasses import replace

    extra = replace(
        parsed.entries[0],
        entry_key="SDN:99999",
        name="ACME WIDGETS",
        aliases=(),  # type: ignore[index]
        start_date=None,
    )
    parsed.entries = [*parsed.entries, extra]  # type: ignore[misc]
    parsed.sha256 = "e" * 64
    with session_scope(store) as s:
        old_entities = active_entities(s)
        write_parsed(s, parsed)
        delta = monitor.run(s)
        new_entities = active_entities(s)
        again = monitor.run(s)
    assert delta.feeds["csl"][2] == 1 and again.feeds == {}
    # exactly the hits a full re-screen finds now and did not find before
    parties = [
        Party("Gazprombank Asset Management", id="c1", country="RU"),
        Party("Bakery of Leeds", id="c2", country="GB"),
        Party("Acme Widgets", id="c3", country="US"),
    ]
    before = {(p.id, h.entity_id) for p in parties for h in Screener.build(old_entities).screen(p)}
    after = {(p.id, h.entity_id) for p in parties for h in Screener.build(new_entities).screen(p)}
    with session_scope(store) as s:
        raised = {
            (a.customer_id, a.entity_id)
            for a in s.scalars(select(AlertRow).where(AlertRow.id.in_(delta.new_alerts)))
        }
    assert raised == after - before == {("c3", "csl:SDN:99999")}


def test_book_import_errors(store: Engine, tmp_path: Path) -> None:
    bad = tmp_path / "book.csv"
    bad.write_text("id,name\n1,a\n1,b\n", encoding="utf-8")
    with session_scope(store) as s, pytest.raises(Exception, match="duplicate") as info:
        monitor.import_book(s, bad)
    assert info.value.line == 3  # type: ignore[attr-defined]


class _Receiver(http.server.BaseHTTPRequestHandler):
    failures_left: ClassVar[int] = 0
    received: ClassVar[list[tuple[str, bytes]]] = []
    meta: ClassVar[list[tuple[str, str]]] = []

    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["content-length"]))
        if _Receiver.failures_left != 0:
            _Receiver.failures_left -= 1
            self.send_response(503)
            self.end_headers()
            return
        _Receiver.received.append((self.headers[monitor.SIGNATURE_HEADER], body))
        _Receiver.meta.append((self.headers[monitor.TIMESTAMP_HEADER], self.headers[monitor.DELIVERY_HEADER]))
        self.send_response(204)
        self.end_headers()


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    monkeypatch.setenv("TRADESCREEN_WEBHOOK_ALLOW_HOSTS", "127.0.0.1")
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    _Receiver.received = []
    _Receiver.meta = []
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


def test_webhook_retries_then_delivers_signed(store: Engine, receiver: str) -> None:
    _Receiver.failures_left = 2
    with session_scope(store) as s:
        monitor.enqueue(s, receiver, {"event": "alerts", "alerts": [1]})
        assert monitor.deliver(s, "secret", backoff=0.01) == (1, 0)
        row = s.scalars(select(OutboxRow)).one()
        assert row.attempts == 3 and row.delivered_at is not None
    signature, body = _Receiver.received[0]
    timestamp, delivery = _Receiver.meta[0]
    assert signature == monitor.sign("secret", body.decode(), int(timestamp), delivery)
    assert json.loads(body)["alerts"] == [1]


def test_webhook_failing_receiver_loses_nothing(store: Engine, receiver: str) -> None:
    _Receiver.failures_left = -1  # always fails
    with session_scope(store) as s:
        monitor.enqueue(s, receiver, {"event": "alerts", "alerts": [2]})
        assert monitor.deliver(s, "secret", attempts=3, backoff=0.01) == (0, 1)
    with session_scope(store) as s:
        row = s.scalars(select(OutboxRow)).one()
        assert row.attempts == 3 and row.delivered_at is None and "503" in row.last_error
    _Receiver.failures_left = 0
    with session_scope(store) as s:
        assert monitor.deliver(s, "secret", backoff=0.01) == (1, 0)
