"""JSON errors that name the bad field: `{"error": {"message": ..., "field": ...}}`."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from tradescreen.errors import InputError, NotFoundError
from tradescreen.services.lists import NoOfficialListError


def error_body(message: str, field: str | None = None) -> dict[str, Any]:
    """The error document every endpoint returns."""
    return {"error": {"message": message, "field": field}}


def install(app: FastAPI) -> None:
    """Register the handlers on `app`."""

    @app.exception_handler(RequestValidationError)
    async def validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        first = exc.errors()[0] if exc.errors() else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("body", "query", "path")]
        field = ".".join(loc) or None
        message = (
            f"{field}: {first.get('msg', 'invalid')}" if field else str(first.get("msg", "invalid request"))
        )
        return JSONResponse(status_code=422, content=error_body(message, field))

    @app.exception_handler(InputError)
    async def input_error(_request: Request, exc: InputError) -> JSONResponse:
        return JSONResponse(status_code=422, content=error_body(exc.message, exc.field))

    @app.exception_handler(NoOfficialListError)
    async def no_list(_request: Request, exc: NoOfficialListError) -> JSONResponse:
        # Fail closed: the service cannot answer until an official list is loaded.
        return JSONResponse(status_code=503, content=error_body(str(exc)))

    @app.exception_handler(NotFoundError)
    async def not_found(_request: Request, exc: NotFoundError) -> JSONResponse:
        return JSONResponse(status_code=404, content=error_body(str(exc)))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        headers = dict(getattr(exc, "headers", None) or {})
        if exc.status_code == 405:
            headers["Allow"] = allowed_methods(request)
        return JSONResponse(status_code=exc.status_code, content=error_body(str(exc.detail)), headers=headers)


def allowed_methods(request: Request) -> str:
    """Every method some route accepts on this path (Starlette names only the first route's)."""
    from starlette.routing import Match

    methods: set[str] = set()
    for route in request.app.router.routes:
        match, _ = route.matches({**request.scope, "method": "GET"})
        if match != Match.NONE or getattr(route, "path", None) == request.url.path:
            methods |= set(getattr(route, "methods", None) or ())
    return ", ".join(sorted(methods))
