"""Core tables: list versions, their entries, listing events, relationships.

Other capabilities (ERC cases, review/audit, API keys) keep their tables in their own
modules on the same :data:`Base` metadata, each with its own Alembic migration branch.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    """Declarative base shared by every table of the store."""


def utcnow() -> dt.datetime:
    """Current time in UTC (timezone-aware)."""
    return dt.datetime.now(dt.UTC)


class ListVersionRow(Base):
    """One loaded file of a feed. At most one version per feed is active."""

    __tablename__ = "list_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    feed: Mapped[str] = mapped_column(String(40), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    active: Mapped[bool] = mapped_column(Boolean, default=False)
    published: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    # Entry field -> the missing side files that would carry it (OFAC CSV without alt.csv...).
    unknown_fields: Mapped[dict[str, list[str]] | None] = mapped_column(JSON, nullable=True)

    entries: Mapped[list[EntryRow]] = relationship(back_populates="version", cascade="all, delete-orphan")

    __table_args__ = (Index("ix_list_versions_feed_sha", "feed", "sha256", unique=True),)


class EntryRow(Base):
    """One list entry inside one version; `data` is :meth:`ListEntry.to_json`."""

    __tablename__ = "entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("list_versions.id", ondelete="CASCADE"), index=True)
    entity_id: Mapped[str] = mapped_column(String(200), index=True)
    entry_key: Mapped[str] = mapped_column(String(200))
    source: Mapped[str] = mapped_column(String(16), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    content_hash: Mapped[str] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON)

    version: Mapped[ListVersionRow] = relationship(back_populates="entries")

    __table_args__ = (Index("ix_entries_version_entity", "version_id", "entity_id", unique=True),)


class ListingEventRow(Base):
    """A dated event in a listing's history (curated, derived from a diff, or an ERC decision)."""

    __tablename__ = "listing_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    entity_id: Mapped[str] = mapped_column(String(200), index=True)
    source: Mapped[str] = mapped_column(String(16))
    event_type: Mapped[str] = mapped_column(String(32))
    date: Mapped[dt.date] = mapped_column(Date, index=True)
    description: Mapped[str] = mapped_column(Text, default="")
    citation: Mapped[str | None] = mapped_column(Text, nullable=True)
    citation_url: Mapped[str | None] = mapped_column(Text, nullable=True)
    verified: Mapped[bool] = mapped_column(Boolean, default=True)
    origin: Mapped[str] = mapped_column(String(80), default="curated")
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("list_versions.id", ondelete="CASCADE"), nullable=True, index=True
    )


class RelationshipRow(Base):
    """An ownership/affiliation edge between two parties (entity ids or names)."""

    __tablename__ = "relationships"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    subject: Mapped[str] = mapped_column(String(300), index=True)
    object: Mapped[str] = mapped_column(String(300), index=True)
    type: Mapped[str] = mapped_column(String(20))
    share: Mapped[float | None] = mapped_column(Float, nullable=True)
    valid_from: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    valid_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    source: Mapped[str] = mapped_column(String(200), default="")
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("list_versions.id", ondelete="CASCADE"), nullable=True, index=True
    )
