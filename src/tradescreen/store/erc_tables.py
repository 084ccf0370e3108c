"""End-User Review Committee cases and their append-only step history."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from tradescreen.store.schema import Base, utcnow


class ErcCaseRow(Base):
    """A proposal to add, modify or remove an Entity List entry, and where it stands."""

    __tablename__ = "erc_cases"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action: Mapped[str] = mapped_column(String(10))  # add / modify / remove
    party: Mapped[str] = mapped_column(Text)
    country: Mapped[str] = mapped_column(String(2))
    aliases: Mapped[list[str]] = mapped_column(JSON, default=list)
    addresses: Mapped[list[str]] = mapped_column(JSON, default=list)
    license_requirement: Mapped[str] = mapped_column(Text, default="")
    review_policy: Mapped[str] = mapped_column(Text, default="")
    reasons: Mapped[str] = mapped_column(Text, default="")
    evidence: Mapped[str] = mapped_column(Text, default="")
    target_entity_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    proposed_by: Mapped[str] = mapped_column(String(20))
    proposed_on: Mapped[dt.date] = mapped_column(Date)
    treasury_sits: Mapped[bool] = mapped_column(Boolean, default=False)
    level: Mapped[str] = mapped_column(String(10), default="ERC")
    status: Mapped[str] = mapped_column(String(12), default="open")  # open/decided/deadlocked/final
    outcome: Mapped[str | None] = mapped_column(String(10), nullable=True)  # approved / rejected
    decided_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    level_opened_on: Mapped[dt.date] = mapped_column(Date)
    listing_version_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class ErcStepRow(Base):
    """One step of a case (proposal, vote, decision, escalation, listing), never updated."""

    __tablename__ = "erc_steps"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("erc_cases.id", ondelete="CASCADE"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    level: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    actor: Mapped[str] = mapped_column(String(40))
    what: Mapped[str] = mapped_column(Text)
    why: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
