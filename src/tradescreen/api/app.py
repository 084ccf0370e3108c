"""The application: API under /api/v1, web UI at /, OpenAPI at /openapi.json, docs at /docs.

Routers are listed in `api.routers.ROUTERS` (one module per capability exposing `router`).
Every API request is written to the request log: who, when, what was screened, which
hits came back.
"""

from __future__ import annotations

import importlib
from typing import Any

from fastapi import FastAPI, Request, Response
from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from tradescreen import __version__
from tradescreen.api import errors
from tradescreen.api.limits import DOCUMENTED_ERRORS
from tradescreen.api.routers import ROUTERS
from tradescreen.api.security import SecurityMiddleware
from tradescreen.store.api_tables import RequestLogRow
from tradescreen.store.db import get_engine


class RequestLog(BaseHTTPMiddleware):
    """Record each API request and its outcome."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        if request.url.path.startswith("/api/") and not request.url.path.endswith("/healthz"):
            identity = getattr(request.state, "identity", None)
            detail: dict[str, Any] = getattr(request.state, "audit", {}) or {}
            with request.app.state.sessions() as session:
                session.add(
                    RequestLogRow(
                        actor=identity.name if identity else "anonymous",
                        method=request.method,
                        path=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
                        status=response.status_code,
                        detail=detail,
                    )
                )
                session.commit()
        return response


def create_app(engine: Engine | None = None) -> FastAPI:
    """Build the app on `engine` (default: `TRADESCREEN_DB`, migrated)."""
    app = FastAPI(
        title="tradescreen",
        version=__version__,
        description="Export-control and sanctions screening: lists, history, matching, rules.",
        responses=DOCUMENTED_ERRORS,
    )
    app.state.engine = engine or get_engine()
    app.state.sessions = sessionmaker(bind=app.state.engine, expire_on_commit=False)
    errors.install(app)
    app.add_middleware(RequestLog)
    from tradescreen.web.csrf import CSRFMiddleware

    app.add_middleware(CSRFMiddleware)  # inside the security middleware: bodies already bounded
    # Outermost: host/origin, auth-before-body, body limit, NUL check, security headers.
    app.add_middleware(SecurityMiddleware)
    for name in ROUTERS:
        module = importlib.import_module(f"tradescreen.api.routers.{name}")
        app.include_router(module.router, prefix="/api/v1")
    from tradescreen.web.routes import mount

    mount(app)
    return app
