"""Shared fixtures: the official files in ../shared/data and fresh databases."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from tradescreen.store.db import make_engine, migrate

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("TRADESCREEN_SHARED_DATA") or REPO.parent / "shared" / "data")


@pytest.fixture(scope="session", autouse=True)
def _index_dir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Persisted name indexes of PostgreSQL test databases go to the data directory: a
    temporary one, never the developer's own."""
    old = os.environ.get("TRADESCREEN_DATA_DIR")
    os.environ["TRADESCREEN_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    yield
    if old is None:
        os.environ.pop("TRADESCREEN_DATA_DIR", None)
    else:
        os.environ["TRADESCREEN_DATA_DIR"] = old


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The folder of real official list files; skips when it is absent."""
    if not SHARED_DATA.is_dir():
        if os.environ.get("CI"):
            # CI always has ../shared/data: a skip there would hide a broken path.
            pytest.fail(f"official list files not found at {SHARED_DATA}")
        pytest.skip(f"official list files not found at {SHARED_DATA}")
    return SHARED_DATA


def _pg_url() -> str | None:
    return os.environ.get("TRADESCREEN_TEST_PG_URL") or None


@contextmanager
def fresh_database(kind: str, tmp_path: Path) -> Iterator[str]:
    """The URL of a new empty database of `kind` ("sqlite" or "postgres"), dropped after use."""
    if kind == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    admin_url = _pg_url()
    if admin_url is None:
        if os.environ.get("CI"):
            pytest.fail("TRADESCREEN_TEST_PG_URL is not set: `make test` starts PostgreSQL and sets it")
        pytest.skip("PostgreSQL not available (run through `make test`)")
    name = f"ts_{uuid.uuid4().hex[:12]}"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield admin_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, migrated database: SQLite, and PostgreSQL when `make test` started one."""
    with fresh_database(request.param, tmp_path) as url:
        eng = make_engine(url)
        migrate(eng)
        eng.dispose()
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated, empty store on each supported database."""
    eng = make_engine(db_url)
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


# Debian's Chromium, never a downloaded browser; flags for a root sandbox with no network.
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """A headless Chromium for the browser tests of one module."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        yield b
        b.close()
