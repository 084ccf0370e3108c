"""The served application: the REST API (`api`) and the web UI (`web`) on one FastAPI app.

The two front ends never import each other; this entry point composes them.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from tradescreen.api.app import create_api_app
from tradescreen.web.csrf import CSRFMiddleware
from tradescreen.web.routes import mount


def create_app(engine: Engine | None = None, *, warm: bool = False) -> FastAPI:
    """The API under /api/v1 and the web pages at /, on `engine` (default: `TRADESCREEN_DB`);
    with `warm`, the persisted name index is opened before the first request."""
    app = create_api_app(engine, warm=warm, inner_middleware=[CSRFMiddleware])
    mount(app)
    return app


def serve_app() -> FastAPI:
    """The app as served by `tradescreen serve` (a uvicorn factory, one per worker): the
    persisted index is opened at start-up."""
    return create_app(warm=True)
