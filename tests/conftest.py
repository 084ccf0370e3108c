"""Shared fixtures: the official files in ../shared/data and fresh databases."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tradescreen.store.db import make_engine, migrate

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TRADESCREEN_SHARED_DATA") or REPO.parent / "shared" / "data")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real official list files; skips when it is absent."""
    if not SHARED_DATA.is_dir():
        pytest.skip(f"official list files not found at {SHARED_DATA}")
    return SHARED_DATA


def _pg_url() -> str | None:
    return os.environ.get("TRADESCREEN_TEST_PG_URL") or None


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty SQLite store in a temporary file."""
    eng = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
    migrate(eng)
    yield eng
    eng.dispose()
