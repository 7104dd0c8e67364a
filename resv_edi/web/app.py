"""The ASGI application: the API under ``/v1``, the page at ``/``, static files, OpenAPI.

>>> from resv_edi.web.app import create_app
>>> app = create_app()          # serve with: uvicorn, or ``resv-edi serve``

Each request gets its own workspace (a private temporary directory) that is removed once the
response is sent; the work runs in a bounded thread pool with a time limit. Nothing is shared
between requests but the read-only standard.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Literal

from fastapi import FastAPI, Query, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles

from resv_edi import __version__
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.web import page, schemas, service
from resv_edi.web.responses import json_response, problem, respond
from resv_edi.web.security import SecurityHeaders
from resv_edi.web.service import READ_FORMATS, WRITE_FORMATS, InputFormat, Outcome, OutputFormat
from resv_edi.web.texts import pick_lang
from resv_edi.web.uploads import Upload, UploadError, Workspace, receive

STATIC = Path(__file__).parent / "static"
_log = logging.getLogger("resv_edi.web")


@dataclass(frozen=True)
class Settings:
    """Limits of the service: the CLI's :class:`Limits`, the time per request (upload and
    work each) and the number of files worked on at once."""

    limits: Limits = DEFAULT_LIMITS
    timeout: float = 300.0
    workers: int = 4
    lang: str = "nl"  # the page's language unless the visitor switches


def create_app(settings: Settings | None = None) -> FastAPI:
    """The service; see :class:`Settings`."""
    settings = settings or Settings()
    executor = ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="resv-web")
    app = FastAPI(
        title="resv-edi",
        version=__version__,
        description="Validate, answer (retour), convert and report RESV declarations.",
        docs_url=None,  # the interactive docs load scripts from a CDN: not here
        redoc_url=None,
    )
    app.add_middleware(SecurityHeaders)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    limits = settings.limits

    async def run(
        request: Request,
        work: Callable[[Upload, Workspace], Outcome],
        error: Callable[[int, str, str], Response] | None = None,
    ) -> Response:
        error = error or problem
        workspace = Workspace()
        handed_over = False
        try:
            upload = await _receive(request, workspace, settings)
            loop = asyncio.get_running_loop()
            future = loop.run_in_executor(executor, work, upload, workspace)
            try:
                outcome = await asyncio.wait_for(asyncio.shield(future), settings.timeout)
            except TimeoutError:  # the thread finishes on its own; clean up after it
                future.add_done_callback(lambda _: workspace.close())
                handed_over = True
                return error(503, "timeout", f"no result within {settings.timeout:g} s")
            response = respond(outcome, workspace)
            handed_over = outcome.file is not None
            return response
        except UploadError as exc:
            return error(exc.status, exc.code, exc.detail)
        except Exception as exc:  # a bug: its message could quote the file, so only its type
            _log.error("%s %s failed: %s", request.method, request.url.path, type(exc).__name__)
            return error(500, "internal", "internal error")
        finally:
            if not handed_over:
                workspace.close()

    @app.post(
        "/v1/validate",
        summary="Validate a file",
        openapi_extra={"requestBody": schemas.BODY},
        responses=schemas.responses(
            "The `validate --output-format json` document",
            schemas.json_content(schemas.VALIDATION),
            schemas.VALIDATION,
        ),
    )
    async def validate(
        request: Request, format: Annotated[InputFormat, Query()] = "auto"
    ) -> Response:
        """The same JSON as `resv-edi validate --output-format json`: status 200 for a valid
        file and for a file with issues; 4xx when it could not be read."""
        return await run(request, lambda up, ws: service.validate_upload(up, format, limits))

    @app.post(
        "/v1/retour",
        summary="The return message of a declaration",
        openapi_extra={"requestBody": schemas.BODY},
        responses=schemas.responses("The Retourbericht", schemas.file_content()),
    )
    async def retour(
        request: Request,
        to: Annotated[OutputFormat | None, Query()] = None,
        format: Annotated[InputFormat | None, Query()] = None,
    ) -> Response:
        """The Retourbericht (return codes per line, granted amounts) in format `to`
        (default xml; a form field `to` is the page's conversion target and is not used).
        An unreadable declaration gets a retour rejecting it (0001), status 422."""

        def work(up: Upload, ws: Workspace) -> Outcome:
            target, fmt = to or "xml", _choice(up, "format", format, "auto")
            return service.retour_upload(up, ws, target, fmt, limits)

        return await run(request, work)

    @app.post(
        "/v1/convert",
        summary="Convert a file",
        openapi_extra={"requestBody": schemas.BODY},
        responses=schemas.responses(
            "The converted file", schemas.file_content(), schemas.CONVERSION_REFUSED
        ),
    )
    async def convert(
        request: Request,
        to: Annotated[OutputFormat | None, Query()] = None,
        format: Annotated[InputFormat | None, Query()] = None,
    ) -> Response:
        """The file converted to format `to` (a form field `to` also works); on errors nothing is
        converted and the issues come back as JSON (422)."""

        def work(up: Upload, ws: Workspace) -> Outcome:
            if to is None and "to" not in up.fields:
                raise UploadError(400, "no_target", "say which format to convert to (?to=...)")
            target, fmt = _choice(up, "to", to, "xml"), _choice(up, "format", format, "auto")
            return service.convert_upload(up, ws, target, fmt, limits)

        return await run(request, work)

    @app.post(
        "/v1/report",
        summary="The monitoring report of a declaration",
        openapi_extra={"requestBody": schemas.BODY},
        responses=schemas.responses(
            "The monitoring tables (JSON) or the HTML page",
            {"application/json": {"schema": {"type": "object"}}, "text/html": {}},
        ),
    )
    async def report(
        request: Request, output: Annotated[Literal["json", "html"], Query()] = "json"
    ) -> Response:
        """The tables of `resv-edi report` (per hoofdtaak, prestatiesoort, RESV, insurer,
        region, year) as JSON, or its HTML page with `output=html`."""
        return await run(
            request, lambda up, ws: service.report_upload(up, ws, limits, output == "html")
        )

    @app.get("/v1/standard", summary="The standard: version, messages, code lists, issue codes")
    async def standard() -> Response:
        return json_response(200, service.standard_info())

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(lang: str | None = None) -> HTMLResponse:
        return HTMLResponse(page.page(pick_lang(lang, settings.lang)))

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def checked(request: Request, lang: str | None = None) -> Response:
        """The page with the verdict; only the results section when the script asks for it
        (header ``X-Resv-Fragment: 1``)."""
        chosen = pick_lang(lang, settings.lang)
        fragment = request.headers.get("x-resv-fragment") == "1"

        def on_page(status: int, code: str, detail: str) -> Response:
            section = page.problem(detail, chosen)
            html = section if fragment else page.page(chosen, section)
            return HTMLResponse(html, status_code=status, headers={"X-Resv-Exit-Code": "2"})

        return await run(
            request, partial(_page_check, lang or settings.lang, fragment, limits), on_page
        )

    app.state.executor = executor
    app.router.on_shutdown.append(lambda: executor.shutdown(wait=False, cancel_futures=True))
    return app


def _page_check(
    lang: str | None, fragment: bool, limits: Limits, upload: Upload, workspace: Workspace
) -> Outcome:
    chosen = pick_lang(upload.fields.get("lang") or lang)
    fmt = _choice(upload, "format", None, "auto")
    outcome = service.validate_upload(upload, fmt, limits)
    section = page.results(outcome.document, chosen)
    html = section if fragment else page.page(chosen, section)
    return Outcome(200, outcome.exit_code, document=html, media_type="text/html; charset=utf-8")


async def _receive(request: Request, workspace: Workspace, settings: Settings) -> Upload:
    name = request.headers.get("x-file-name") or request.query_params.get("filename")
    try:
        return await asyncio.wait_for(
            receive(
                request.headers.get("content-type", ""),
                request.headers.get("content-length"),
                request.stream(),
                workspace.path("upload"),
                settings.limits.max_file_size,
                file_name=name,
            ),
            settings.timeout,
        )
    except TimeoutError:
        raise UploadError(408, "timeout", "the upload took too long") from None


def _choice(upload: Upload, name: str, given: str | None, default: str) -> str:
    """A query parameter, else the form field of that name (checked), else the default."""
    if given is not None:
        return given
    value = upload.fields.get(name, default)
    allowed = WRITE_FORMATS if name == "to" else READ_FORMATS
    if value not in allowed:
        raise UploadError(400, "bad_field", f"{name} must be one of {', '.join(allowed)}")
    return value
