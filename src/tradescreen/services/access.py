"""Request dependencies: a database session and the caller's identity with a role check."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from fastapi import Depends, HTTPException, Request
from sqlalchemy.orm import Session

from tradescreen.services.auth import LOCAL_ADMIN, Identity, Role, identify, local_auth_enabled
from tradescreen.store.db import session_scope

LOOPBACK = {"127.0.0.1", "::1", "localhost", "testclient"}


def get_session(request: Request) -> Iterator[Session]:
    """A session on the app's engine, committed when the request succeeds."""
    with session_scope(request.app.state.engine) as session:
        yield session


def _key_from(request: Request) -> str | None:
    key = request.headers.get("x-api-key")
    auth = request.headers.get("authorization", "")
    if not key and auth.lower().startswith("bearer "):
        key = auth[7:].strip()
    return key or request.cookies.get("tradescreen_key") or None


def current_identity(request: Request, session: Session = Depends(get_session)) -> Identity:
    """The caller, from an API key (header or cookie) or the local-only default."""
    key = _key_from(request)
    identity = identify(session, key)
    if identity is None and not key and local_auth_enabled():
        host = request.client.host if request.client else ""
        if host in LOOPBACK:
            identity = LOCAL_ADMIN
    if identity is None:
        raise HTTPException(
            401, "a valid API key is required (X-API-Key header)", headers={"WWW-Authenticate": "Bearer"}
        )
    request.state.identity = identity
    return identity


def require(role: Role) -> Callable[..., Identity]:
    """A dependency that admits callers with at least `role` (403 otherwise)."""

    def check(identity: Identity = Depends(current_identity)) -> Identity:
        if identity.role < role:
            raise HTTPException(
                403, f"this needs the {role.name.lower()} role; you are {identity.role.name.lower()}"
            )
        return identity

    return check
