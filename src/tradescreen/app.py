"""The served application: the REST API (`api`) and the web UI (`web`) on one FastAPI app.

The two front ends never import each other; this entry point composes them.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import Engine

from tradescreen.api.app import create_api_app
from tradescreen.web.routes import mount


def create_app(engine: Engine | None = None) -> FastAPI:
    """The API under /api/v1 and the web pages at /, on `engine` (default: `TRADESCREEN_DB`)."""
    app = create_api_app(engine)
    mount(app)
    return app
