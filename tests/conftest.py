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


# The real files every end-to-end test may rely on, loaded once per test session.
LOADED_FILES = (
    "ofac_sdn/sdn.csv",
    "ofac_cons/cons_prim.csv",
    "csl_sample/csl.csv",
    "csl_sample/dpl.txt",
    "dod_1260h/1260h.csv",
)


@pytest.fixture(scope="session")
def loaded_db_url(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> str:
    """An SQLite store holding the curated data and the real files in LOADED_FILES."""
    from tradescreen.config import CURATED_DIR
    from tradescreen.store.db import session_scope
    from tradescreen.store.load import load_path

    url = f"sqlite:///{tmp_path_factory.mktemp('loaded') / 'loaded.db'}"
    eng = make_engine(url)
    migrate(eng)
    for path in (CURATED_DIR, *(shared_data / f for f in LOADED_FILES)):
        with session_scope(eng) as session:
            load_path(session, path)
    eng.dispose()
    return url


@pytest.fixture(scope="session")
def loaded_engine(loaded_db_url: str) -> Iterator[Engine]:
    """An engine on the loaded store (read-only use, please)."""
    eng = make_engine(loaded_db_url)
    yield eng
    eng.dispose()
