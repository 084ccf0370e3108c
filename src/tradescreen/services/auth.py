"""API keys with roles (viewer < screener < admin), stored hashed.

A key is `ts_` + 32 random URL-safe characters; only its SHA-256 is stored, so a lost key
cannot be recovered, only revoked and replaced. With `TRADESCREEN_LOCAL_AUTH=1` (what
`make run` sets) a request from the loopback address without a key acts as a local
admin; otherwise every request needs a key.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from enum import IntEnum

from sqlalchemy import select
from sqlalchemy.orm import Session

from tradescreen.config import load_settings
from tradescreen.errors import InputError
from tradescreen.store.api_tables import ApiKeyRow


class Role(IntEnum):
    """Roles, ordered: a higher role may do everything a lower one may."""

    VIEWER = 1
    SCREENER = 2
    ADMIN = 3

    @classmethod
    def parse(cls, value: str) -> Role:
        """`screener` -> Role.SCREENER; unknown names are an InputError."""
        try:
            return cls[value.upper()]
        except KeyError as exc:
            raise InputError(f"unknown role {value!r} (viewer, screener, admin)", field="--role") from exc


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is calling."""

    name: str
    role: Role


def hash_key(key: str) -> str:
    """SHA-256 hex digest of a key."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(session: Session, role: Role, name: str) -> str:
    """Store a new key (hashed) and return it: the only time it is visible."""
    key = "ts_" + secrets.token_urlsafe(24)
    session.add(ApiKeyRow(name=name, role=role.name.lower(), prefix=key[:8], key_hash=hash_key(key)))
    session.flush()
    return key


def identify(session: Session, key: str | None) -> Identity | None:
    """The identity a key stands for, or None when it is unknown or revoked."""
    if not key:
        return None
    digest = hash_key(key)
    for row in session.scalars(
        select(ApiKeyRow).where(ApiKeyRow.prefix == key[:8], ApiKeyRow.revoked.is_(False))
    ):
        if hmac.compare_digest(row.key_hash, digest):
            return Identity(f"key:{row.name}", Role[row.role.upper()])
    return None


def local_auth_enabled() -> bool:
    """True when loopback requests without a key act as a local admin."""
    return load_settings().local_auth


LOCAL_ADMIN = Identity("local", Role.ADMIN)
