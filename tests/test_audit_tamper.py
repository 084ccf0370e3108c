"""Audit log tamper tests: edit, delete-newest, delete-middle, insert, reorder, rehash;
and concurrent appends from several processes never collide on a sequence number."""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import Engine, select, text

from tradescreen.store import audit
from tradescreen.store.db import make_engine, session_scope
from tradescreen.store.review_tables import AuditRow


@pytest.fixture(autouse=True)
def _config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Key and checkpoints in a private folder (never the user's config dir)."""
    folder = tmp_path / "config"
    monkeypatch.setenv("TRADESCREEN_CONFIG_DIR", str(folder))
    monkeypatch.delenv("TRADESCREEN_AUDIT_KEY", raising=False)
    monkeypatch.delenv("TRADESCREEN_AUDIT_KEY_FILE", raising=False)
    monkeypatch.delenv("TRADESCREEN_AUDIT_CHECKPOINTS", raising=False)
    return folder


def _fill(engine: Engine, n: int = 5) -> None:
    for i in range(1, n + 1):
        with session_scope(engine) as s:
            audit.append(s, "test", "tester", {"i": i})


def _problems(engine: Engine) -> list[str]:
    with session_scope(engine) as s:
        return audit.verify(s).problems


def _sql(engine: Engine, statement: str, **params: object) -> None:
    with engine.begin() as conn:
        conn.execute(text(statement), params)


def test_intact_chain_verifies_and_key_file_is_private(engine: Engine, _config_dir: Path) -> None:
    _fill(engine)
    with session_scope(engine) as s:
        report = audit.verify(s)
    assert report.ok, report.problems
    assert report.records == 5 and report.checkpoints == 5
    key = _config_dir / "audit.key"
    assert stat.S_IMODE(key.stat().st_mode) == 0o600


def test_edit_is_detected(engine: Engine) -> None:
    _fill(engine)
    _sql(engine, "UPDATE audit_log SET actor = 'mallory' WHERE seq = 3")
    assert any("record 3" in p and "edited" in p for p in _problems(engine))


def test_delete_newest_is_detected(engine: Engine) -> None:
    _fill(engine)
    _sql(engine, "DELETE FROM audit_log WHERE seq = 5")
    problems = _problems(engine)
    assert any("newest records deleted" in p and "record 5" in p for p in problems), problems


def test_delete_middle_is_detected(engine: Engine) -> None:
    _fill(engine)
    _sql(engine, "DELETE FROM audit_log WHERE seq = 3")
    problems = _problems(engine)
    assert any("record 3 missing" in p for p in problems), problems


def test_insert_is_detected(engine: Engine) -> None:
    _fill(engine)
    with session_scope(engine) as s:
        rows = list(s.scalars(select(AuditRow).order_by(AuditRow.seq)))
        forged = [(r.seq, r.at, r.kind, r.actor, r.payload, r.prev_hash, r.hash) for r in rows]
    # Shift records 3.. up by one and insert a forged record 3 (hash computed without the key).
    _sql(engine, "DELETE FROM audit_log WHERE seq >= 3")
    bogus_prev = forged[1][6]
    bogus_hash = hashlib.sha256(b"forged").hexdigest()
    _sql(
        engine,
        "INSERT INTO audit_log (seq, at, kind, actor, payload, prev_hash, hash)"
        " VALUES (3, 'now', 'test', 'mallory', '{}', :p, :h)",
        p=bogus_prev,
        h=bogus_hash,
    )
    for seq, at, kind, actor, payload, prev, h in forged[2:]:
        _sql(
            engine,
            "INSERT INTO audit_log (seq, at, kind, actor, payload, prev_hash, hash)"
            " VALUES (:s, :a, :k, :ac, :pl, :p, :h)",
            s=seq + 1,
            a=at,
            k=kind,
            ac=actor,
            pl=payload,
            p=prev,
            h=h,
        )
    problems = _problems(engine)
    assert any("record 3" in p and "edited" in p for p in problems), problems
    assert any("record 4" in p and "does not follow" in p for p in problems), problems


def test_reorder_is_detected(engine: Engine) -> None:
    _fill(engine)
    # Swap the contents of records 2 and 4 (keeping the sequence numbers).
    _sql(engine, "UPDATE audit_log SET seq = 100 WHERE seq = 2")
    _sql(engine, "UPDATE audit_log SET seq = 2 WHERE seq = 4")
    _sql(engine, "UPDATE audit_log SET seq = 4 WHERE seq = 100")
    problems = _problems(engine)
    assert any("record 2" in p for p in problems) and any("record 4" in p for p in problems), problems


def test_rehash_from_genesis_without_key_is_detected(engine: Engine) -> None:
    _fill(engine)
    _sql(engine, "UPDATE audit_log SET payload = '{\"i\": 99}' WHERE seq = 2")
    # Recompute every hash from the all-zero genesis the way the old, unkeyed chain did.
    with session_scope(engine) as s:
        rows = list(s.scalars(select(AuditRow).order_by(AuditRow.seq)))
        prev = audit.GENESIS
        for r in rows:
            h = hashlib.sha256(
                "|".join((prev, str(r.seq), r.at, r.kind, r.actor, r.payload)).encode()
            ).hexdigest()
            r.prev_hash, r.hash, prev = prev, h, h
    problems = _problems(engine)
    assert problems and all("edited or MAC forged" in p or "checkpoint" in p for p in problems), problems


def test_rehash_with_the_key_is_caught_by_checkpoints(engine: Engine) -> None:
    """Even someone holding the key cannot rewrite history already checkpointed."""
    _fill(engine)
    key = audit.audit_key()
    _sql(engine, "UPDATE audit_log SET payload = '{\"i\": 99}' WHERE seq = 2")
    with session_scope(engine) as s:
        rows = list(s.scalars(select(AuditRow).order_by(AuditRow.seq)))
        prev = audit.GENESIS
        for r in rows:
            h = audit._mac(key, prev, r.seq, r.at, r.kind, r.actor, r.payload)
            r.prev_hash, r.hash, prev = prev, h, h
    problems = _problems(engine)
    assert any("differs from its checkpoint" in p for p in problems), problems


def test_forged_checkpoint_is_reported(engine: Engine) -> None:
    _fill(engine, 2)
    with session_scope(engine) as s:
        path = audit.checkpoint_path(audit.database_id(s))
    with path.open("a") as fh:
        fh.write(json.dumps({"db": "x", "seq": 9, "head": "0" * 64, "mac": "0" * 64}) + "\n")
    assert any("bad signature" in p for p in _problems(engine))


def test_rolled_back_append_leaves_no_checkpoint(engine: Engine) -> None:
    _fill(engine, 2)
    with pytest.raises(RuntimeError), session_scope(engine) as s:
        audit.append(s, "test", "tester", {"i": 3})
        raise RuntimeError("abort")
    assert _problems(engine) == []


def _append_many(url: str, config: str, n: int) -> None:
    os.environ["TRADESCREEN_CONFIG_DIR"] = config
    engine = make_engine(url)
    for i in range(n):
        with session_scope(engine) as s:
            audit.append(s, "concurrent", f"pid{os.getpid()}", {"i": i})
    engine.dispose()


def test_concurrent_appends_never_collide(db_url: str, _config_dir: Path) -> None:
    """Four processes append at once: no UNIQUE failure on seq, and the chain is intact."""
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_append_many, args=(db_url, str(_config_dir), 15)) for _ in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]
    engine = make_engine(db_url)
    with session_scope(engine) as s:
        report = audit.verify(s)
    engine.dispose()
    assert report.ok, report.problems
    assert report.records == 60


def _write_legacy(engine: Engine, n: int) -> None:
    """Records as the audit log wrote them before the keyed MAC: unkeyed SHA-256, no checkpoint."""
    with session_scope(engine) as s:
        prev = audit.GENESIS
        for seq in range(1, n + 1):
            at, body = f"2026-01-0{seq}T00:00:00+00:00", json.dumps({"legacy": seq})
            h = hashlib.sha256("|".join((prev, str(seq), at, "old", "system", body)).encode()).hexdigest()
            s.add(AuditRow(seq=seq, at=at, kind="old", actor="system", payload=body, prev_hash=prev, hash=h))
            prev = h


def _report(engine: Engine) -> audit.VerifyReport:
    with session_scope(engine) as s:
        return audit.verify(s)


def test_legacy_records_before_the_keyed_chain_verify_as_legacy(engine: Engine) -> None:
    _write_legacy(engine, 3)
    _fill(engine, 2)  # keyed records 4 and 5 chain onto the legacy head
    report = _report(engine)
    assert report.ok, report.problems
    assert report.legacy == 3 and report.records == 5
    assert report.notes == [
        "records 1..3 predate the keyed chain (unkeyed legacy hashes): verified as legacy chain,"
        " anchored by the first keyed record"
    ]


def test_legacy_only_log_is_named_as_unanchored(engine: Engine) -> None:
    _write_legacy(engine, 2)
    report = _report(engine)
    assert report.ok and report.legacy == 2
    assert "not anchored" in report.notes[0]


def test_edited_legacy_record_is_still_detected(engine: Engine) -> None:
    _write_legacy(engine, 3)
    _fill(engine, 1)
    _sql(engine, "UPDATE audit_log SET payload = '{\"legacy\": 99}' WHERE seq = 2")
    assert any("record 2 (old): content edited" in p for p in _report(engine).problems)
    # Rehashing the legacy prefix to match breaks the link into the first keyed record.
    with session_scope(engine) as s:
        rows = list(s.scalars(select(AuditRow).where(AuditRow.seq <= 3).order_by(AuditRow.seq)))
        prev = audit.GENESIS
        for r in rows:
            r.prev_hash = prev
            r.hash = prev = hashlib.sha256(
                "|".join((prev, str(r.seq), r.at, r.kind, r.actor, r.payload)).encode()
            ).hexdigest()
    problems = _report(engine).problems
    assert problems and any("record 4" in p for p in problems), problems


def test_unkeyed_record_after_the_keyed_chain_is_forged(engine: Engine) -> None:
    _fill(engine, 2)
    with session_scope(engine) as s:
        last = s.scalars(select(AuditRow).order_by(AuditRow.seq.desc())).first()
        assert last is not None
        at, body = "2026-11-23T00:00:00+00:00", json.dumps({"i": 3})
        h = hashlib.sha256("|".join((last.hash, "3", at, "test", "mallory", body)).encode()).hexdigest()
        s.add(AuditRow(seq=3, at=at, kind="test", actor="mallory", payload=body, prev_hash=last.hash, hash=h))
    problems = _report(engine).problems
    assert any("record 3 (test): unkeyed hash after the keyed chain began" in p for p in problems), problems
