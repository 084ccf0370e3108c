"""Tables for review and monitoring: the audit log, recorded screenings, alerts and their
dispositions, remembered false positives, the customer book, and the webhook outbox."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradescreen.store.schema import Base, utcnow


class AuditRow(Base):
    """One record of the append-only audit log, chained by hashes."""

    __tablename__ = "audit_log"

    seq: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[str] = mapped_column(String(40))  # ISO timestamp, part of the hashed content
    kind: Mapped[str] = mapped_column(String(30), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    payload: Mapped[str] = mapped_column(Text)  # canonical JSON
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class ScreeningRow(Base):
    """One screening of one party: who asked, when, against which list versions."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    customer_id: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    versions: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)  # id, feed, sha256
    hits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class AlertRow(Base):
    """A hit to review: open, escalated, cleared (false positive) or confirmed (true match)."""

    __tablename__ = "alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id", ondelete="CASCADE"), index=True)
    customer_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    party_name: Mapped[str] = mapped_column(Text)
    entity_id: Mapped[str] = mapped_column(String(200), index=True)
    list_name: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[str] = mapped_column(Text)
    entry_hash: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(12), default="open")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reason: Mapped[str] = mapped_column(Text, default="")  # why raised again, when it was
    confirmations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # One open alert per (party key, entity): a repeat screening counts here instead.
    party_key: Mapped[str] = mapped_column(String(300), default="", server_default="")
    last_seen: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    times_seen: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __table_args__ = (Index("ix_alerts_party_entity", "party_key", "entity_id"),)


class DispositionRow(Base):
    """A reviewer's decision on an alert (append-only)."""

    __tablename__ = "dispositions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    reviewer: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(12))  # clear / confirm / escalate
    reason: Mapped[str] = mapped_column(Text)


class SuppressionRow(Base):
    """A cleared false positive remembered per (customer, list entry), with what it saw."""

    __tablename__ = "suppressions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    customer_key: Mapped[str] = mapped_column(String(300))
    entity_id: Mapped[str] = mapped_column(String(200))
    entry_hash: Mapped[str] = mapped_column(String(64))
    customer_name: Mapped[str] = mapped_column(Text)
    alert_id: Mapped[int] = mapped_column(Integer)

    __table_args__ = (Index("ix_suppressions_pair", "customer_key", "entity_id"),)


class CustomerRow(Base):
    """A customer of the book that monitoring re-screens."""

    __tablename__ = "customers"

    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    country: Mapped[str | None] = mapped_column(String(2), nullable=True)
    address: Mapped[str | None] = mapped_column(Text, nullable=True)
    type: Mapped[str | None] = mapped_column(String(16), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class MonitorMarkRow(Base):
    """The last list version of a feed the book was monitored against."""

    __tablename__ = "monitor_marks"

    feed: Mapped[str] = mapped_column(String(40), primary_key=True)
    version_id: Mapped[int] = mapped_column(Integer)
    on: Mapped[dt.date] = mapped_column(Date)


class OutboxRow(Base):
    """A notification to deliver; kept until delivered, with every attempt counted."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    url: Mapped[str] = mapped_column(Text)
    body: Mapped[str] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    delivered_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    last_error: Mapped[str] = mapped_column(Text, default="")
