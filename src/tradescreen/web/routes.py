"""Web pages: search, entity (with its timeline chart), lists (with growth chart and diffs),
batch upload with progress and download, and a key form for deployments without local auth."""

from __future__ import annotations

import datetime as dt
import tempfile
import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, File, Form, HTTPException, Request, UploadFile
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.orm import Session

from tradescreen.domain import LIST_TITLES, ListSource, MembershipState, Party
from tradescreen.errors import InputError, TradescreenError
from tradescreen.services.access import get_session
from tradescreen.services.auth import Identity, Role
from tradescreen.services.entities import entity_document
from tradescreen.services.lists import NoOfficialListError, require_official_lists
from tradescreen.services.models import ScreeningResponse
from tradescreen.services.screening import csv_rows, parse_sources, screen_file, screen_party
from tradescreen.store.db import session_scope
from tradescreen.store.diff import diff_versions
from tradescreen.store.versions import list_versions
from tradescreen.web.charts import growth_svg, timeline_svg
from tradescreen.web.common import HERE, templates, viewer
from tradescreen.web.determinations import mount as mount_determinations
from tradescreen.web.workflow import mount as mount_workflow


@dataclass
class BatchJob:
    """A screen-file run started from the web page."""

    id: str
    file_name: str
    done: int = 0
    status: str = "running"  # running, finished, failed
    message: str = ""
    out_path: Path | None = None
    summary: dict[str, int] = field(default_factory=dict)
    rows: list[dict[str, Any]] = field(default_factory=list)  # the screen-file rows, for the table


JOBS: dict[str, BatchJob] = {}


def mount(app: FastAPI) -> None:
    """Add the web pages and static files to `app`."""
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def page(request: Request, template: str, **context: Any) -> HTMLResponse:
        return templates.TemplateResponse(
            request, template, {"list_titles": LIST_TITLES, "states": list(MembershipState), **context}
        )

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def search_page(
        request: Request,
        name: str = "",
        country: str = "",
        as_of: str = "",
        sources: str = "",
        include_ended: bool = False,
        session: Session = Depends(get_session),
        who: Identity = Depends(viewer),
    ) -> HTMLResponse:
        response: ScreeningResponse | None = None
        error = None
        status = 200
        if name.strip():
            try:
                try:
                    day = dt.date.fromisoformat(as_of) if as_of else None
                except ValueError as exc:
                    raise InputError(f"not a date: {as_of!r}", field="as_of") from exc
                # Recorded like the CLI and the API: audit record, alerts, ownership note.
                response = screen_party(
                    session,
                    Party(name=name[:500], country=country.upper() or None),
                    as_of=day,
                    sources=parse_sources(sources),
                    top=20,
                    include_ended=include_ended,
                    actor=who.name,
                )
            except NoOfficialListError as exc:
                error, status = str(exc), 503
            except TradescreenError as exc:
                error, status = str(exc), 422
        page_response = page(
            request,
            "search.html",
            name=name,
            country=country,
            as_of=as_of,
            sources=sources,
            include_ended=include_ended,
            response=response,
            error=error,
            searched=bool(name.strip()),
        )
        page_response.status_code = status
        return page_response

    @app.get("/entities/{entity_id}", response_class=HTMLResponse, include_in_schema=False)
    def entity_page(
        request: Request,
        entity_id: str,
        session: Session = Depends(get_session),
        _who: Identity = Depends(viewer),
    ) -> HTMLResponse:
        doc = entity_document(session, entity_id)
        events = [
            (dt.date.fromisoformat(e["date"]), e["type"], e["description"] or e["type"])
            for e in doc["history"]
        ]
        return page(
            request,
            "entity.html",
            doc=doc,
            entry=doc["entry"],
            chart=timeline_svg(events),
            source_title=LIST_TITLES[ListSource(doc["entry"]["source"])],
        )

    @app.get("/lists", response_class=HTMLResponse, include_in_schema=False)
    def lists_page(
        request: Request, session: Session = Depends(get_session), _who: Identity = Depends(viewer)
    ) -> HTMLResponse:
        versions = list_versions(session)
        by_feed: dict[str, list[Any]] = defaultdict(list)
        for v in versions:
            by_feed[v.feed].append(v)
        return page(request, "lists.html", by_feed=dict(by_feed), chart=growth_svg(versions))

    @app.get("/lists/diff", response_class=HTMLResponse, include_in_schema=False)
    def diff_page(
        request: Request,
        session: Session = Depends(get_session),
        _who: Identity = Depends(viewer),
        from_: int = 0,
        to: int = 0,
    ) -> HTMLResponse:
        params = request.query_params
        old, new = int(params.get("from", from_) or 0), int(params.get("to", to) or 0)
        return page(request, "diff.html", diff=diff_versions(session, old, new))

    @app.get("/batch", response_class=HTMLResponse, include_in_schema=False)
    def batch_page(request: Request, _who: Identity = Depends(viewer)) -> HTMLResponse:
        return page(request, "batch.html", job=None)

    @app.post("/batch", include_in_schema=False)
    async def batch_upload(
        request: Request,
        file: UploadFile = File(...),
        session: Session = Depends(get_session),
        who: Identity = Depends(viewer),
    ) -> Response:
        if who.role < Role.SCREENER:
            raise HTTPException(403, "screener role required")
        require_official_lists(session)  # fail closed before accepting the upload
        workdir = Path(tempfile.mkdtemp(prefix="tradescreen-batch-"))
        in_path = workdir / "input.csv"
        in_path.write_bytes(await file.read())
        job = BatchJob(id=uuid.uuid4().hex[:12], file_name=file.filename or "upload.csv")
        JOBS[job.id] = job
        engine = request.app.state.engine

        def keep(response: ScreeningResponse) -> None:
            if response.query.id is not None:
                job.rows.extend(csv_rows(Party(response.query.name, id=response.query.id), response))

        def run() -> None:
            try:
                out = workdir / "hits.csv"
                # Its own session: the request's is closed when the thread runs. Each row is
                # recorded and alerted like a single screening, and the run is audited.
                with session_scope(engine) as batch_session:
                    summary = screen_file(
                        batch_session,
                        in_path,
                        out,
                        actor=who.name,
                        on_progress=lambda n: setattr(job, "done", n),
                        on_response=keep,
                    )
                job.out_path, job.status = out, "finished"
                job.summary = {
                    "parties": summary.parties,
                    "hits": summary.hits,
                    "with_hits": summary.parties_with_hits,
                    "alerts": summary.alerts,
                }
                job.done = summary.parties
            except InputError as exc:
                job.status, job.message = "failed", exc.message.replace(str(in_path), job.file_name)
            except Exception as exc:
                job.status, job.message = "failed", f"unexpected error: {exc}"

        threading.Thread(target=run, daemon=True).start()
        return RedirectResponse(f"/batch/{job.id}", status_code=303)

    @app.get("/batch/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def batch_status(request: Request, job_id: str, _who: Identity = Depends(viewer)) -> HTMLResponse:
        job = JOBS.get(job_id)
        if job is None:
            raise HTTPException(404, "no such batch job")
        return page(request, "batch.html", job=job)

    @app.get("/batch/{job_id}/status", include_in_schema=False)
    def batch_status_json(job_id: str, _who: Identity = Depends(viewer)) -> JSONResponse:
        job = JOBS.get(job_id)
        if job is None:
            raise HTTPException(404, "no such batch job")
        return JSONResponse({"status": job.status, "done": job.done, "message": job.message, **job.summary})

    @app.get("/batch/{job_id}/download", include_in_schema=False)
    def batch_download(job_id: str, _who: Identity = Depends(viewer)) -> FileResponse:
        job = JOBS.get(job_id)
        if job is None or job.out_path is None:
            raise HTTPException(404, "no result yet")
        return FileResponse(job.out_path, media_type="text/csv", filename=f"hits-{job.file_name}")

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return page(request, "login.html")

    @app.post("/login", include_in_schema=False)
    def login(key: str = Form(...)) -> RedirectResponse:
        response = RedirectResponse("/", status_code=303)
        response.set_cookie("tradescreen_key", key, httponly=True, samesite="strict")
        return response

    mount_determinations(app)
    mount_workflow(app)


__all__ = ["mount"]
