"""Turning an :class:`~resv_edi.web.service.Outcome` into an HTTP response."""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

import orjson
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.background import BackgroundTask

from resv_edi.web.service import Outcome
from resv_edi.web.uploads import Workspace

_STYLE = re.compile(rb"<style>(.*?)</style>", re.DOTALL)


def respond(outcome: Outcome, workspace: Workspace) -> Response:
    """The answer for ``outcome``; a file answer removes ``workspace`` once it is sent."""
    headers = {"X-Resv-Exit-Code": str(outcome.exit_code)}
    if outcome.file is not None:
        if outcome.media_type == "text/html":
            headers["Content-Security-Policy"] = report_csp(outcome.file)
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
    return json_response(outcome.status, outcome.document, headers)


def report_csp(path: Path) -> str:
    """The report page's own policy: nothing but its inline style blocks, by their hashes."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(m.group(1)).digest()).decode()}'"
        for m in _STYLE.finditer(path.read_bytes())
    )
    return (
        f"default-src 'none'; style-src {hashes or chr(39) + 'none' + chr(39)}; "
        "frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    )


def json_response(status: int, document: Any, headers: dict[str, str] | None = None) -> Response:
    """``document`` as indented JSON."""
    return Response(
        orjson.dumps(document, option=orjson.OPT_INDENT_2),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def problem(status: int, code: str, detail: str) -> Response:
    """A request that could not be handled, as JSON (exit code 2)."""
    return json_response(
        status, {"error": code, "detail": detail, "exit_code": 2}, {"X-Resv-Exit-Code": "2"}
    )
