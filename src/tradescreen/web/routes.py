"""Web pages: search, entity (with its timeline chart), lists (with growth chart and diffs),
batch upload with progress and download, and a key form for deployments without local auth."""

from __future__ import annotations

import datetime as dt
import shutil
import tempfile
import threading
import time
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
from tradescreen.services.auth import Identity, Role, identify
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
    owner: str = ""  # identity name: only the owner sees the job
    workdir: Path | None = None
    started: float = 0.0


JOBS: dict[str, BatchJob] = {}
# Finished jobs' files are removed after this many seconds (and on failure at once).
JOB_TTL_SECONDS = 3600.0


def _owned_job(job_id: str, who: Identity) -> BatchJob:
    """The job if `who` started it; 404 otherwise (another user's job does not exist for you)."""
    job = JOBS.get(job_id)
    if job is None or job.owner != who.name:
        raise HTTPException(404, "no such batch job")
    return job


def _expire_jobs(now: float) -> None:
    """Forget jobs older than JOB_TTL_SECONDS and remove their temporary files."""
    for job_id, job in list(JOBS.items()):
        if job.status != "running" and now - job.started > JOB_TTL_SECONDS:
            if job.workdir is not None:
                shutil.rmtree(job.workdir, ignore_errors=True)
            JOBS.pop(job_id, None)


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
        dob: str = "",
        nationality: str = "",
        id_number: str = "",
        session: Session = Depends(get_session),
        who: Identity = Depends(viewer),
    ) -> HTMLResponse:
        response: ScreeningResponse | None = None
        error = None
        status = 200
        # A name the matcher cannot screen (only punctuation, a legal form, a title) is
        # still a search asked: the service refuses it and the page says why.
        if name:
            try:
                try:
                    day = dt.date.fromisoformat(as_of) if as_of else None
                except ValueError as exc:
                    raise InputError(f"not a date: {as_of!r}", field="as_of") from exc
                # Recorded like the CLI and the API: audit record, alerts, ownership note.
                response = screen_party(
                    session,
                    Party(
                        name=name[:500],
                        country=country.upper() or None,
                        dob=dob[:20] or None,
                        nationality=nationality[:10] or None,
                        id_number=id_number[:100] or None,
                    ),
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
            dob=dob,
            nationality=nationality,
            id_number=id_number,
            response=response,
            error=error,
            searched=bool(name),
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
        _expire_jobs(time.time())
        workdir = Path(tempfile.mkdtemp(prefix="tradescreen-batch-"))
        in_path = workdir / "input.csv"
        in_path.write_bytes(await file.read())
        job = BatchJob(
            id=uuid.uuid4().hex,
            file_name=file.filename or "upload.csv",
            owner=who.name,
            workdir=workdir,
            started=time.time(),
        )
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
            finally:
                # The customer file is not kept; on failure nothing is.
                in_path.unlink(missing_ok=True)
                if job.status != "finished":
                    shutil.rmtree(workdir, ignore_errors=True)

        threading.Thread(target=run, daemon=True).start()
        return RedirectResponse(f"/batch/{job.id}", status_code=303)

    @app.get("/batch/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    def batch_status(request: Request, job_id: str, who: Identity = Depends(viewer)) -> HTMLResponse:
        return page(request, "batch.html", job=_owned_job(job_id, who))

    @app.get("/batch/{job_id}/status", include_in_schema=False)
    def batch_status_json(job_id: str, who: Identity = Depends(viewer)) -> JSONResponse:
        job = _owned_job(job_id, who)
        return JSONResponse({"status": job.status, "done": job.done, "message": job.message, **job.summary})

    @app.get("/batch/{job_id}/download", include_in_schema=False)
    def batch_download(job_id: str, who: Identity = Depends(viewer)) -> FileResponse:
        job = _owned_job(job_id, who)
        if job.out_path is None or not job.out_path.exists():
            raise HTTPException(404, "no result yet")
        return FileResponse(job.out_path, media_type="text/csv", filename=f"hits-{job.file_name}")

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    def login_page(request: Request) -> HTMLResponse:
        return page(request, "login.html")

    @app.post("/login", include_in_schema=False, response_model=None)
    def login(
        request: Request, key: str = Form(...), session: Session = Depends(get_session)
    ) -> RedirectResponse | HTMLResponse:
        # Only a key that identifies someone is stored: no cookie for a wrong guess.
        if identify(session, key) is None:
            response = page(request, "login.html", error="That key is not valid (or was revoked).")
            response.status_code = 401
            return response
        redirect = RedirectResponse("/", status_code=303)
        redirect.set_cookie(
            "tradescreen_key",
            key,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return redirect

    @app.post("/logout", include_in_schema=False)
    def logout(request: Request) -> RedirectResponse:
        response = RedirectResponse("/login", status_code=303)
        response.delete_cookie(
            "tradescreen_key", httponly=True, samesite="strict", secure=request.url.scheme == "https"
        )
        return response

    mount_determinations(app)
    mount_workflow(app)


__all__ = ["mount"]
