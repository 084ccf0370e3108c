"""Alembic environment: runs migrations on the engine handed over in the config."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

import tradescreen.store.tables  # noqa: F401  (registers every table on Base.metadata)
from tradescreen.store.schema import Base

config = context.config
target_metadata = Base.metadata

engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url") or "")
with engine.begin() as connection:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()
