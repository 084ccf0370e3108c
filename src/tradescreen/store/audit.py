"""The tamper-evident audit log: a keyed MAC chain anchored by signed checkpoints.

mac = HMAC-SHA256(key, prev_hash | seq | timestamp | kind | actor | canonical JSON payload).

- The key lives outside the database (:func:`tradescreen.config.audit_key`): whoever can
  write the database but not read the key cannot recompute the chain, so an edited,
  inserted or reordered record, or a chain rehashed from the genesis, fails `verify`.
- After every commit that appended records, a checkpoint (database, seq, head MAC),
  itself MACed with the key, is appended to a file outside the database. `verify`
  checks every checkpoint against the chain, so deleting the newest records (which
  leaves a valid-looking shorter chain) is reported too.
- Records written before the keyed chain existed carry an unkeyed SHA-256 hash (legacy).
  `verify` accepts them only as an unbroken prefix from the genesis and says so: the first
  keyed record MACs the legacy head, so rewriting the prefix breaks that record's MAC, and
  a checkpoint over any record catches a chain rewritten wholly in the legacy form. An
  unkeyed record after a keyed one is reported as forged.
- Sequence numbers are assigned under a lock (a transaction-scoped advisory lock on
  PostgreSQL, the database write lock on SQLite), so concurrent writers never collide.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import event, select, text
from sqlalchemy.orm import Session

from tradescreen.config import audit_checkpoint_dir, audit_key
from tradescreen.store.review_tables import AuditRow

GENESIS = "0" * 64
# Any constant: the advisory lock that serialises audit appends on PostgreSQL.
_PG_LOCK_ID = 0x7473_6175  # "tsau"
_PENDING = "tradescreen_audit_head"
_LISTENING = "tradescreen_audit_listening"


def _mac(key: bytes, prev: str, seq: int, at: str, kind: str, actor: str, payload: str) -> str:
    message = "|".join((prev, str(seq), at, kind, actor, payload)).encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _legacy_digest(prev: str, seq: int, at: str, kind: str, actor: str, payload: str) -> str:
    """The unkeyed hash audit records had before the keyed MAC (kept to verify old logs)."""
    return hashlib.sha256("|".join((prev, str(seq), at, kind, actor, payload)).encode()).hexdigest()


def _lock_sequence(session: Session) -> None:
    """Serialise appends until the end of the caller's transaction."""
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
    elif dialect == "sqlite":
        # A write statement takes SQLite's write lock (waiting on the busy timeout) before
        # the last seq is read, so no other connection can append in between.
        session.execute(text("UPDATE audit_log SET seq = seq WHERE 1 = 0"))


def append(session: Session, kind: str, actor: str, payload: dict[str, Any]) -> AuditRow:
    """Append a record (inside the caller's transaction); race-free across processes."""
    key = audit_key()
    _lock_sequence(session)
    last = session.execute(select(AuditRow.seq, AuditRow.hash).order_by(AuditRow.seq.desc()).limit(1)).first()
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
        hash=_mac(key, prev, seq, at, kind, actor, body),
    )
    session.add(row)
    session.flush()
    _checkpoint_after_commit(session, seq, row.hash)
    return row


# --- checkpoints -------------------------------------------------------------------------


def database_id(session: Session) -> str:
    """A stable name for the database the session writes to (its URL without password)."""
    return session.get_bind().engine.url.render_as_string(hide_password=True)


def checkpoint_path(db: str) -> Path:
    """The checkpoint file of database `db` (one JSON line per checkpoint)."""
    return audit_checkpoint_dir() / f"{hashlib.sha256(db.encode()).hexdigest()[:20]}.jsonl"


def _checkpoint_mac(key: bytes, db: str, seq: int, head: str) -> str:
    return hmac.new(key, f"checkpoint|{db}|{seq}|{head}".encode(), hashlib.sha256).hexdigest()


def write_checkpoint(db: str, seq: int, head: str) -> None:
    """Append a signed checkpoint of (seq, head) for database `db`."""
    path = checkpoint_path(db)
    path.parent.mkdir(parents=True, exist_ok=True)
    at = dt.datetime.now(dt.UTC).isoformat()
    line = json.dumps(
        {"db": db, "seq": seq, "head": head, "at": at, "mac": _checkpoint_mac(audit_key(), db, seq, head)}
    )
    # One write() of a short line with O_APPEND: concurrent writers do not interleave.
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode())
    finally:
        os.close(fd)


def _checkpoint_after_commit(session: Session, seq: int, head: str) -> None:
    """Remember the newest record; write its checkpoint only once the transaction commits
    (a rolled-back append must not leave a checkpoint for a record that never existed)."""
    session.info[_PENDING] = (database_id(session), seq, head)
    if session.info.get(_LISTENING):
        return
    session.info[_LISTENING] = True

    def after_commit(s: Session) -> None:
        pending = s.info.pop(_PENDING, None)
        if pending is not None:
            write_checkpoint(*pending)

    def after_rollback(s: Session) -> None:
        s.info.pop(_PENDING, None)

    event.listen(session, "after_commit", after_commit)
    event.listen(session, "after_rollback", after_rollback)


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """A signed (seq, head) read back from the checkpoint file."""

    seq: int
    head: str
    line: int
    signed: bool


def read_checkpoints(db: str) -> list[Checkpoint]:
    """Every checkpoint recorded for database `db`, with whether its signature holds."""
    path = checkpoint_path(db)
    if not path.exists():
        return []
    key = audit_key()
    found: list[Checkpoint] = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            doc = json.loads(raw)
            seq, head, mac = int(doc["seq"]), str(doc["head"]), str(doc["mac"])
        except (ValueError, KeyError, TypeError):
            found.append(Checkpoint(0, "", number, signed=False))
            continue
        signed = doc.get("db") == db and hmac.compare_digest(mac, _checkpoint_mac(key, db, seq, head))
        found.append(Checkpoint(seq, head, number, signed))
    return found


# --- verification ------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The outcome of checking the chain and its checkpoints."""

    records: int
    problems: list[str] = field(default_factory=list)
    checkpoints: int = 0
    # Records 1..legacy predate the keyed chain: verified against their unkeyed hashes.
    legacy: int = 0

    @property
    def notes(self) -> list[str]:
        """What a reader should know although nothing is wrong (the legacy prefix)."""
        if not self.legacy:
            return []
        anchored = (
            "anchored by the first keyed record"
            if self.legacy < self.records
            else "not anchored by any keyed record: unkeyed hashes alone do not prove it was not rewritten"
        )
        return [
            f"records 1..{self.legacy} predate the keyed chain (unkeyed legacy hashes):"
            f" verified as legacy chain, {anchored}"
        ]

    @property
    def ok(self) -> bool:
        """True when the chain is intact and matches every checkpoint."""
        return not self.problems


def verify(session: Session) -> VerifyReport:
    """Walk the chain and report every edited, deleted, inserted, reordered or rehashed
    record, and every checkpoint the chain no longer matches."""
    key = audit_key()
    db = database_id(session)
    checkpoints = read_checkpoints(db)
    wanted: dict[int, list[Checkpoint]] = {}
    problems: list[str] = []
    for cp in checkpoints:
        if not cp.signed:
            problems.append(f"checkpoint line {cp.line} of {checkpoint_path(db)}: bad signature (forged)")
        else:
            wanted.setdefault(cp.seq, []).append(cp)
    seen: dict[int, str] = {}
    prev, expected_seq, count, last_seq = GENESIS, 1, 0, 0
    legacy, keyed_seen = 0, False
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
        fields = (row.prev_hash, row.seq, row.at, row.kind, row.actor, row.payload)
        if _mac(key, *fields) == row.hash:
            keyed_seen = True
        elif _legacy_digest(*fields) == row.hash and not keyed_seen and legacy == count - 1:
            legacy = count  # still in the unbroken legacy prefix from the genesis
        elif _legacy_digest(*fields) == row.hash:
            problems.append(
                f"record {row.seq} ({row.kind}): unkeyed hash after the keyed chain began (forged)"
            )
        else:
            problems.append(f"record {row.seq} ({row.kind}): content edited or MAC forged")
        if row.seq in wanted:
            seen[row.seq] = row.hash
        prev, expected_seq, last_seq = row.hash, row.seq + 1, row.seq
    for seq, cps in sorted(wanted.items()):
        if seq > last_seq:
            problems.append(
                f"checkpoint says record {seq} existed but the log ends at {last_seq}"
                " (newest records deleted)"
            )
            continue
        if seq not in seen:
            continue  # reported as missing above
        if any(cp.head != seen[seq] for cp in cps):
            problems.append(f"record {seq} differs from its checkpoint (chain rewritten)")
    return VerifyReport(count, problems, len(checkpoints), legacy)
