"""Engine and session creation, and schema migration to the latest revision."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from tradescreen.config import load_settings

if TYPE_CHECKING:
    from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"


# Connections per process. The API runs sync routes on a threadpool that `api.app` limits to
# POOL_SIZE threads, so a request never waits for a connection (QueuePool 5+10 timed out
# under load); the overflow covers the CLI and background work. With `serve --workers N` a
# PostgreSQL server needs N x (POOL_SIZE + POOL_OVERFLOW) connections free.
POOL_SIZE = 20
POOL_OVERFLOW = 10
BUSY_TIMEOUT_MS = 30_000


def pool_size() -> tuple[int, int]:
    """Pool size and overflow per process; `TRADESCREEN_DB_POOL` overrides the size."""
    size = int(os.environ.get("TRADESCREEN_DB_POOL") or POOL_SIZE)
    return size, POOL_OVERFLOW


def make_engine(url: str | None = None) -> Engine:
    """Create an engine for `url` (default: `TRADESCREEN_DB` or the SQLite default).

    SQLite runs in WAL mode (readers never wait for the writer) with a busy timeout, so
    concurrent writers wait their turn instead of failing with "database is locked"."""
    url = url or load_settings().database_url
    size, overflow = pool_size()
    if url.startswith("sqlite"):
        memory = ":memory:" in url or url.rstrip("/") in ("sqlite:", "sqlite+pysqlite:")
        pool_args = {} if memory else {"pool_size": size, "max_overflow": overflow, "pool_timeout": 60}
        engine = create_engine(url, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000}, **pool_args)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=size, max_overflow=overflow, pool_timeout=60)


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged migrations and at `engine`."""
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", engine.url.render_as_string(hide_password=False))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine) -> None:
    """Bring the schema to the latest revision of every migration branch."""
    from alembic import command

    command.upgrade(alembic_config(engine), "heads")


_REVISION_RE = re.compile(r"^(revision|down_revision)\b[^=]*=\s*(.*)$", re.MULTILINE)


def _migration_heads() -> set[str] | None:
    """The head revisions of the packaged migrations, read from the files without
    importing Alembic (about a second of start-up); None when a file does not read plainly."""
    revisions: set[str] = set()
    parents: set[str] = set()
    for path in (MIGRATIONS_DIR / "versions").glob("*.py"):
        found = dict((m.group(1), m.group(2)) for m in _REVISION_RE.finditer(path.read_text("utf-8")))
        own = re.findall(r"[\"']([^\"']+)[\"']", found.get("revision", ""))
        if len(own) != 1 or "down_revision" not in found:
            return None
        revisions.add(own[0])
        parents.update(re.findall(r"[\"']([^\"']+)[\"']", found["down_revision"]))
    return revisions - parents or None


def _at_heads(engine: Engine) -> bool:
    """Whether the database is already stamped with exactly the packaged heads."""
    heads = _migration_heads()
    if heads is None:
        return False
    try:
        with engine.connect() as conn:
            stamped = {row[0] for row in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except SQLAlchemyError:
        return False  # a new database: no version table yet
    return stamped == heads


@lru_cache(maxsize=8)
def _ready_engine(url: str) -> Engine:
    engine = make_engine(url)
    if not _at_heads(engine):  # the common case needs no Alembic import at all
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
