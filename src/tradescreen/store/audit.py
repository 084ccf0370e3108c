"""The tamper-evident audit log: every record carries the hash of the one before it.

hash = sha256(prev_hash | seq | timestamp | kind | actor | canonical JSON payload). An
edited record no longer matches its hash; a deleted or inserted one breaks the chain
(a sequence gap, or a prev_hash that does not match); `verify` says which record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.store.review_tables import AuditRow

GENESIS = "0" * 64


def _digest(prev: str, seq: int, at: str, kind: str, actor: str, payload: str) -> str:
    return hashlib.sha256("|".join((prev, str(seq), at, kind, actor, payload)).encode()).hexdigest()


def append(session: Session, kind: str, actor: str, payload: dict[str, Any]) -> AuditRow:
    """Append a record (inside the caller's transaction)."""
    last = session.scalars(select(AuditRow).order_by(AuditRow.seq.desc()).limit(1)).first()
    seq = (last.seq + 1) if last else 1
    prev = last.hash if last else GENESIS
    at = dt.datetime.now(dt.UTC).isoformat()
    body = json.dumps(payload, sort_keys=True, ensure_ascii=False, default=str)
    row = AuditRow(
        seq=seq,
        at=at,
        kind=kind,
        actor=actor,
        payload=body,
        prev_hash=prev,
        hash=_digest(prev, seq, at, kind, actor, body),
    )
    session.add(row)
    session.flush()
    return row


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of checking the chain."""

    records: int
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when the chain is intact."""
        return not self.problems


def verify(session: Session) -> VerifyReport:
    """Walk the chain and report every edited, deleted, inserted or reordered record."""
    problems: list[str] = []
    prev, expected_seq, count = GENESIS, 1, 0
    for row in session.scalars(select(AuditRow).order_by(AuditRow.seq)):
        count += 1
        if row.seq != expected_seq:
            problems.append(
                f"record {expected_seq}"
                + (f"-{row.seq - 1}" if row.seq - 1 > expected_seq else "")
                + " missing (deleted)"
            )
        if row.prev_hash != prev:
            problems.append(f"record {row.seq}: does not follow the record before it (deleted or inserted)")
        if _digest(row.prev_hash, row.seq, row.at, row.kind, row.actor, row.payload) != row.hash:
            problems.append(f"record {row.seq} ({row.kind}): content edited")
        prev, expected_seq = row.hash, row.seq + 1
    return VerifyReport(count, problems)
