"""Fault injection: kill -9 in the middle of a load leaves the previous version active and
the audit chain intact (SQLite and PostgreSQL); loads running alongside screen-file never
make either fail."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from tradescreen.store import audit
from tradescreen.store.db import make_engine, session_scope
from tradescreen.store.schema import ListVersionRow


def _env(db_url: str, tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "TRADESCREEN_DB": db_url, "TRADESCREEN_CONFIG_DIR": str(tmp_path / "config")}


def _cli(env: dict[str, str], *args: str) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "tradescreen", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )


def _active(db_url: str, feed: str) -> list[tuple[int, int]]:
    engine = make_engine(db_url)
    try:
        with session_scope(engine) as s:
            rows = s.scalars(
                select(ListVersionRow).where(ListVersionRow.feed == feed, ListVersionRow.active.is_(True))
            )
            return [(r.id, r.row_count) for r in rows]
    finally:
        engine.dispose()


def _audit_ok(db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setenv("TRADESCREEN_CONFIG_DIR", str(tmp_path / "config"))
    engine = make_engine(db_url)
    try:
        with session_scope(engine) as s:
            return audit.verify(s).problems
    finally:
        engine.dispose()


def test_kill_9_during_load_keeps_previous_version(
    db_url: str, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _env(db_url, tmp_path)
    first = _cli(env, "load", str(shared_data / "ofac_sdn_2024" / "sdn.csv"))
    assert first.wait(300) == 0, first.stderr.read() if first.stderr else ""
    before = _active(db_url, "ofac_sdn")
    assert len(before) == 1
    # The 2024 file has no siblings; the current one is loaded with alt/add/comments: slower.
    victim = _cli(env, "load", str(shared_data / "ofac_sdn" / "sdn.csv"))
    time.sleep(2.5)
    victim.send_signal(signal.SIGKILL)
    assert victim.wait(60) == -signal.SIGKILL, "the load finished before it could be killed"
    assert _active(db_url, "ofac_sdn") == before
    assert _audit_ok(db_url, tmp_path, monkeypatch) == []


def test_loads_alongside_screen_file_never_fail(
    db_url: str, shared_data: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = _env(db_url, tmp_path)
    assert _cli(env, "init").wait(300) == 0
    # An official list first: screening refuses (fails closed) on curated data alone.
    assert _cli(env, "load", str(shared_data / "ofac_cons" / "cons_prim.csv")).wait(300) == 0
    parties = tmp_path / "in.csv"
    parties.write_text(
        "id,name\n" + "".join(f"{i},Huawei Technologies {i}\n" for i in range(200)), encoding="utf-8"
    )
    procs = [
        _cli(env, "screen-file", str(parties), "--out", str(tmp_path / "out1.csv")),
        _cli(env, "load", str(shared_data / "csl_sample" / "dpl.txt")),
        _cli(env, "load", str(shared_data / "dod_1260h" / "1260h.csv")),
        _cli(env, "screen-file", str(parties), "--out", str(tmp_path / "out2.csv")),
    ]
    codes = [p.wait(600) for p in procs]
    errors = [p.stderr.read().decode() if p.stderr else "" for p in procs]
    assert codes[1] == codes[2] == 0, errors
    assert codes[0] in (0, 1) and codes[3] in (0, 1), errors
    assert (tmp_path / "out1.csv").exists() and (tmp_path / "out2.csv").exists()
    assert not list(tmp_path.glob("*.partial"))
    assert _audit_ok(db_url, tmp_path, monkeypatch) == []
