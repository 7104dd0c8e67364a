"""The work behind each endpoint: library calls on an uploaded file in its workspace.

Every function here is synchronous (the app runs it in a worker thread), touches only files in
its own :class:`~resv_edi.web.uploads.Workspace`, and returns an :class:`Outcome`: the HTTP
status, the exit code the CLI would give, and a JSON document or a file to send. No rule is
implemented here; the temporary path of the upload is replaced by its display name in every
text that leaves the service.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, get_args

import orjson

from resv_edi.batch.payload import validation_payload
from resv_edi.batch.summary import Summary
from resv_edi.batch.tasks import convert_file, validate_file
from resv_edi.errors import ExitCode, Severity
from resv_edi.formats.registry import get_format
from resv_edi.limits import Limits
from resv_edi.report import aggregate, write_report
from resv_edi.retour.write import retour_exit_code, write_retour
from resv_edi.standard.catalogue import catalogue
from resv_edi.standard.codelists import codelist
from resv_edi.standard.facts import facts
from resv_edi.standard.paths import mappings_dir
from resv_edi.web.uploads import Upload, Workspace

InputFormat = Literal["auto", "xml", "json", "ndjson", "ei", "csv"]
OutputFormat = Literal["xml", "json", "ndjson", "ei", "csv"]  # the registry's (a test checks)
READ_FORMATS: tuple[str, ...] = get_args(InputFormat)
WRITE_FORMATS: tuple[str, ...] = get_args(OutputFormat)

#: the HTTP status of an unreadable input, by the code of its fatal issue (else 422)
FATAL_STATUS = {"F002": 415, "F004": 415, "E014": 415, "F003": 400, "L001": 413}

MEDIA_TYPES = {
    "xml": "application/xml",
    "json": "application/json",
    "ndjson": "application/x-ndjson",
    "ei": "text/plain; charset=iso-8859-1",
    "csv": "text/csv; charset=utf-8",
}


@dataclass
class Outcome:
    """What to answer: ``document`` (JSON) or ``file`` (sent as ``filename``)."""

    status: int
    exit_code: int
    document: Any = None
    file: Path | None = None
    filename: str = ""
    media_type: str = "application/json"


def http_status(exit_code: int, issues: list[dict[str, Any]]) -> int:
    """200 for exit codes 0 and 1 (valid, or issues found); for 2 the status of the first
    fatal issue (:data:`FATAL_STATUS`), else 422."""
    if exit_code < ExitCode.USAGE:
        return 200
    for item in issues:
        if item.get("severity") == Severity.FATAL.value:
            return FATAL_STATUS.get(item["code"], 422)
    return 422


def validate_upload(upload: Upload, fmt: str, limits: Limits) -> Outcome:
    """The ``validate --output-format json`` document of the upload."""
    result = validate_file(str(upload.path), fmt, limits)
    summary = Summary()
    summary.add(result)
    document = relabel(validation_payload([result], summary, batch=False), upload)
    issues = document["files"][0]["issues"]
    return Outcome(http_status(result.exit_code, issues), result.exit_code, document)


def retour_upload(
    upload: Upload, workspace: Workspace, to: str, fmt: str, limits: Limits
) -> Outcome:
    """The Retourbericht of the uploaded declaration, in format ``to``. An unreadable
    declaration still gets its retour (rejected with 0001), sent with status 422."""
    suffix = get_format(to).suffix
    target = workspace.path(f"retour{suffix}")
    summary = write_retour(upload.path, target, to, fmt=fmt, limits=limits)
    code = int(retour_exit_code(summary))
    return Outcome(
        422 if code == ExitCode.USAGE else 200,
        code,
        file=target,
        filename=f"{_stem(upload.name)}-retour{suffix}",
        media_type=MEDIA_TYPES[to],
    )


def convert_upload(
    upload: Upload, workspace: Workspace, to: str, fmt: str, limits: Limits
) -> Outcome:
    """The upload converted to ``to``; when issues stop the conversion, their JSON (422, or
    the status of a fatal issue)."""
    suffix = get_format(to).suffix
    target = workspace.path(f"converted{suffix}")
    result = convert_file(str(upload.path), str(target), to, fmt, limits)
    if result.written:
        return Outcome(
            200,
            result.exit_code,
            file=target,
            filename=f"{_stem(upload.name)}{suffix}",
            media_type=MEDIA_TYPES[to],
        )
    document = relabel(
        {
            "file": result.file,
            "to": to,
            "status": result.status,
            "errors": result.errors,
            "issues": list(result.issues),
            "exit_code": result.exit_code,
        },
        upload,
    )
    status = http_status(result.exit_code, list(result.issues))
    return Outcome(422 if status == 200 else status, result.exit_code, document)


def report_upload(upload: Upload, workspace: Workspace, limits: Limits, as_html: bool) -> Outcome:
    """The monitoring report of the upload: ``report.json`` (the tables) or ``report.html``."""
    agg = aggregate([upload.path], limits=limits, max_issues=limits.max_errors or 100)
    write_report(agg, workspace.path("report"))
    issues = [i.as_dict() for i in agg.issues]
    fatal = any(i.severity is Severity.FATAL for i in agg.issues)
    code = int(ExitCode.USAGE if fatal else ExitCode.INVALID if agg.excluded else ExitCode.OK)
    status = http_status(code, issues)
    if as_html:
        html = workspace.path("report/report.html")
        html.write_bytes(_replace_paths(html.read_text("utf-8"), upload).encode("utf-8"))
        return Outcome(status, code, file=html, filename="report.html", media_type="text/html")
    document = orjson.loads(workspace.path("report/report.json").read_bytes())
    document["issues"] = issues
    document["exit_code"] = code
    return Outcome(status, code, relabel(document, upload))


def standard_info() -> dict[str, Any]:
    """The version of the standard, its messages, the code lists and the issue codes."""
    f = facts()
    names = sorted(p.stem for p in (mappings_dir() / "codelists").glob("*.toml"))
    lists = {}
    for name in names:
        cl = codelist(name)
        lists[name] = {
            "name": cl.name,
            "version": cl.version,
            "provisional": cl.provisional,
            "codes": [
                {
                    "code": c.code,
                    "valid_from": c.valid_from.isoformat(),
                    "valid_to": c.valid_to.isoformat() if c.valid_to else None,
                    **{k: v for k, v in c.attributes.items() if isinstance(v, str | int | bool)},
                }
                for c in cl.codes.values()
            ],
        }
    return {
        "version": f.version,
        "basisschema_version": f.basisschema_version,
        "namespaces": {"basis": f.ns_basis, "declaratie": f.ns_declaratie, "retour": f.ns_retour},
        "messages": {
            name: {"code": m.code, "version": m.version, "subversion": m.subversion}
            for name, m in (("declaratie", f.declaratie), ("retour", f.retour))
        },
        "experiment": {"first_day": f.first_day.isoformat(), "last_day": f.last_day.isoformat()},
        "codelists": lists,
        "issue_codes": {
            code: {
                "severity": e.severity.value,
                "return_code": e.return_code,
                "nl": e.nl,
                "en": e.en,
            }
            for code, e in catalogue().items()
        },
    }


def relabel(value: Any, upload: Upload) -> Any:
    """``value`` with the upload's temporary path replaced by its display name in every text."""
    if isinstance(value, str):
        return _replace_paths(value, upload)
    if isinstance(value, dict):
        return {relabel(k, upload): relabel(v, upload) for k, v in value.items()}
    if isinstance(value, list):
        return [relabel(v, upload) for v in value]
    return value


def _replace_paths(text: str, upload: Upload) -> str:
    root = str(upload.path.parent)
    if root not in text:
        return text
    return text.replace(str(upload.path), upload.name).replace(root + "/", "")


def _stem(name: str) -> str:
    stem = re.sub(r"\.[^.]*$", "", name)
    return stem or "upload"
