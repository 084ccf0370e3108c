"""The API application: /api/v1, OpenAPI at /openapi.json, docs at /docs.

Routers are listed in `api.routers.ROUTERS` (one module per capability exposing `router`).
Every API request is written to the request log: who, when, what was screened, which
hits came back.
"""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import FastAPI, Request, Response
from fastapi_offline import FastAPIOffline
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint

from tradescreen import __version__
from tradescreen.api import errors
from tradescreen.api.limits import DOCUMENTED_ERRORS
from tradescreen.api.routers import ROUTERS
from tradescreen.api.security import SecurityMiddleware
from tradescreen.store.api_tables import RequestLogRow
from tradescreen.store.db import get_engine, pool_size


class RequestLog(BaseHTTPMiddleware):
    """Record each API request and its outcome."""

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        response = await call_next(request)
        if request.url.path.startswith("/api/") and not request.url.path.endswith("/healthz"):
            identity = getattr(request.state, "identity", None)
            detail: dict[str, Any] = getattr(request.state, "audit", {}) or {}
            row = RequestLogRow(
                actor=identity.name if identity else "anonymous",
                method=request.method,
                path=str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""),
                status=response.status_code,
                detail=detail,
            )
            # A blocking database write: on the threadpool, never on the event loop.
            await run_in_threadpool(_write_log, request.app.state.sessions, row)
        return response


def _write_log(sessions: sessionmaker[Session], row: RequestLogRow) -> None:
    with sessions() as session:
        session.add(row)
        session.commit()


def warm_index(engine: Engine) -> None:
    """Open (or build once and persist) the name index, and read today's ownership edges,
    before the first request, so that request does not pay for them."""
    import datetime as dt

    from tradescreen.ownership import relationships_on
    from tradescreen.services.screeners import screener_for

    with sessionmaker(bind=engine)() as session:
        screener_for(session)
        relationships_on(session, dt.date.today())


def create_api_app(
    engine: Engine | None = None, *, warm: bool = False, inner_middleware: Sequence[type[Any]] = ()
) -> FastAPI:
    """Build the API on `engine` (default: `TRADESCREEN_DB`, migrated); with `warm`, the
    name index is opened before the app takes requests. The web UI is added by the entry
    point (`tradescreen.app.create_app`): the API never imports the web UI. `inner_middleware`
    runs inside the security middleware (host, auth-before-body, body limits)."""
    engine = engine or get_engine()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # As many request threads as pooled connections: none waits for a connection.
        anyio.to_thread.current_default_thread_limiter().total_tokens = pool_size()[0]
        if warm:
            await run_in_threadpool(warm_index, engine)
        yield

    # FastAPIOffline serves the Swagger UI and ReDoc assets from its package: /docs works offline.
    app = FastAPIOffline(
        title="tradescreen",
        version=__version__,
        description="Export-control and sanctions screening: lists, history, matching, rules.",
        lifespan=lifespan,
        responses=DOCUMENTED_ERRORS,
    )
    app.state.engine = engine
    app.state.sessions = sessionmaker(bind=app.state.engine, expire_on_commit=False)
    errors.install(app)
    app.add_middleware(RequestLog)
    for middleware in inner_middleware:  # e.g. the web UI's CSRF check: bodies already bounded
        app.add_middleware(middleware)  # type: ignore[arg-type]
    # Outermost: host/origin, auth-before-body, body limit, NUL check, security headers.
    app.add_middleware(SecurityMiddleware)
    for name in ROUTERS:
        module = importlib.import_module(f"tradescreen.api.routers.{name}")
        app.include_router(module.router, prefix="/api/v1")
    return app
