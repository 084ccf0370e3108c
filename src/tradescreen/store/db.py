"""Engine and session creation, and schema migration to the latest revision."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from tradescreen.config import load_settings

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for `url` (default: `TRADESCREEN_DB` or the SQLite default)."""
    url = url or load_settings().database_url
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations and at `engine`."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision of every migration branch."""
    command.upgrade(alembic_config(engine), "heads")


@lru_cache(maxsize=8)
def _ready_engine(url: str) -> Engine:
    engine = make_engine(url)
    migrate(engine)
    return engine


def get_engine(url: str | None = None) -> Engine:
    """A migrated engine for `url`, cached per URL for the process."""
    return _ready_engine(url or load_settings().database_url)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session committed on success and rolled back on any error."""
    factory = sessionmaker(bind=engine or get_engine(), expire_on_commit=False)
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()
