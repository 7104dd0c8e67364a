"""The ASGI application: the API under ``/v1``, the page at ``/``, static files, OpenAPI.

>>> from resv_edi.web.app import create_app
>>> app = create_app()          # serve with: uvicorn, or ``resv-edi serve``

Each request gets its own workspace (a private temporary directory) that is removed once the
response is sent; the work runs in a bounded thread pool with a time limit. Nothing is shared
between requests but the read-only standard.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Annotated, Any, Literal

import orjson
from fastapi import FastAPI, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.background import BackgroundTask

from resv_edi import __version__
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.web import page, schemas, service
from resv_edi.web.security import SecurityHeaders
from resv_edi.web.service import READ_FORMATS, WRITE_FORMATS, InputFormat, Outcome, OutputFormat
from resv_edi.web.texts import pick_lang
from resv_edi.web.uploads import Upload, UploadError, Workspace, receive

STATIC = Path(__file__).parent / "static"
_STYLE = re.compile(rb"<style>(.*?)</style>", re.DOTALL)

_BODY = {
    "required": True,
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {"file": {"type": "string", "format": "binary"}},
                "required": ["file"],
            }
        },
        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}},
    },
    "description": "The file: a form field `file`, or the raw body (any other content type).",
}
_ERRORS = {
    400: "No file, an empty file or a malformed request",
    408: "The upload took longer than the time limit",
    413: "The file is larger than the size limit, or beyond another limit",
    415: "The file is not in a format of the standard",
    422: "The file could not be read (exit code 2), or not converted",
    503: "The time limit was reached",
}


def _responses(ok: str, ok_content: dict[str, Any], answer: dict[str, Any] | None = None) -> Any:
    """OpenAPI responses: ``ok`` for 200, and the errors, whose body is the ``answer`` document
    (when the file was read but refused) or a problem."""
    refused = {"anyOf": [answer, schemas.PROBLEM]} if answer else schemas.PROBLEM
    return {
        200: {"description": ok, "content": ok_content},
        **{
            status: {"description": text, "content": schemas.json_content(refused)}
            for status, text in _ERRORS.items()
        },
    }


@dataclass(frozen=True)
class Settings:
    """Limits of the service: the CLI's :class:`Limits`, the time per request (upload and
    work each) and the number of files worked on at once."""

    limits: Limits = DEFAULT_LIMITS
    timeout: float = 300.0
    workers: int = 4


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
        error = error or _error
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
            response = _respond(outcome, workspace)
            handed_over = outcome.file is not None
            return response
        except UploadError as exc:
            return error(exc.status, exc.code, exc.detail)
        finally:
            if not handed_over:
                workspace.close()

    @app.post(
        "/v1/validate",
        summary="Validate a file",
        openapi_extra={"requestBody": _BODY},
        responses=_responses(
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
        openapi_extra={"requestBody": _BODY},
        responses=_responses("The Retourbericht", schemas.file_content()),
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
        openapi_extra={"requestBody": _BODY},
        responses=_responses(
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
        openapi_extra={"requestBody": _BODY},
        responses=_responses(
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
        return _json(200, service.standard_info())

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def home(lang: str | None = None) -> HTMLResponse:
        return HTMLResponse(page.page(pick_lang(lang)))

    @app.post("/", response_class=HTMLResponse, include_in_schema=False)
    async def checked(request: Request, lang: str | None = None) -> Response:
        """The page with the verdict; only the results section when the script asks for it
        (header ``X-Resv-Fragment: 1``)."""
        chosen = pick_lang(lang)
        fragment = request.headers.get("x-resv-fragment") == "1"

        def problem(status: int, code: str, detail: str) -> Response:
            section = page.problem(detail, chosen)
            html = section if fragment else page.page(chosen, section)
            return HTMLResponse(html, status_code=status, headers={"X-Resv-Exit-Code": "2"})

        return await run(request, partial(_page_check, lang, fragment, limits), problem)

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


def _respond(outcome: Outcome, workspace: Workspace) -> Response:
    headers = {"X-Resv-Exit-Code": str(outcome.exit_code)}
    if outcome.file is not None:
        if outcome.media_type == "text/html":
            headers["Content-Security-Policy"] = _report_csp(outcome.file)
            return FileResponse(
                outcome.file,
                status_code=outcome.status,
                media_type="text/html; charset=utf-8",
                headers=headers,
                background=BackgroundTask(workspace.close),
            )
        return FileResponse(
            outcome.file,
            status_code=outcome.status,
            media_type=outcome.media_type,
            filename=outcome.filename,
            headers=headers,
            background=BackgroundTask(workspace.close),
        )
    if isinstance(outcome.document, str):
        return HTMLResponse(outcome.document, status_code=outcome.status, headers=headers)
    return _json(outcome.status, outcome.document, headers)


def _report_csp(path: Path) -> str:
    """The report page's own policy: nothing but its inline style blocks, by their hashes."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()}'"
        for m in _STYLE.finditer(path.read_bytes())
    )
    return (
        f"default-src 'none'; style-src {hashes or chr(39) + 'none' + chr(39)}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def _json(status: int, document: Any, headers: dict[str, str] | None = None) -> Response:
    return Response(
        orjson.dumps(document, option=orjson.OPT_INDENT_2),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def _error(status: int, code: str, detail: str) -> Response:
    return _json(
        status, {"error": code, "detail": detail, "exit_code": 2}, {"X-Resv-Exit-Code": "2"}
    )
