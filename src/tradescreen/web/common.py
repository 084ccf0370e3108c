"""What every web page shares: the templates and the viewer check (a login redirect)."""

from __future__ import annotations

from pathlib import Path

from fastapi import Depends, HTTPException, Request
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from tradescreen.services.access import current_identity, get_session
from tradescreen.services.auth import Identity, Role

HERE = Path(__file__).resolve().parent
templates = Jinja2Templates(directory=str(HERE / "templates"))


def viewer(request: Request, session: Session = Depends(get_session)) -> Identity:
    """The caller, at least a viewer; without a valid key, a redirect to the key form."""
    try:
        identity = current_identity(request, session)
    except HTTPException as exc:
        raise HTTPException(303, headers={"Location": "/login"}) from exc
    if identity.role < Role.VIEWER:
        raise HTTPException(403, "viewer role required")
    return identity
