"""JSON Schemas of the service's JSON answers, for the OpenAPI description.

They describe :meth:`resv_edi.reporting.FileReport.as_dict` and friends; a test validates real
answers against them, so that the description cannot drift from what is sent.
"""

from __future__ import annotations

from typing import Any

from resv_edi.web.service import MEDIA_TYPES

_TEXT = {"type": "string"}
_COUNT = {"type": "integer", "minimum": 0}

ISSUE: dict[str, Any] = {
    "type": "object",
    "required": ["code", "message", "severity", "location"],
    "properties": {
        "code": {"type": "string", "pattern": "^[A-Z][0-9]{3}$"},
        "message": _TEXT,
        "severity": {"enum": ["info", "warning", "error", "fatal"]},
        "return_code": {"type": ["string", "null"]},
        "location": {
            "type": "object",
            "properties": {
                "file": _TEXT,
                "line": _COUNT,
                "column": _COUNT,
                "path": _TEXT,
                "record_type": _TEXT,
                "field": _TEXT,
                "reference": _TEXT,
                "index": _COUNT,
            },
            "additionalProperties": False,
        },
    },
}

VALIDATION: dict[str, Any] = {
    "type": "object",
    "required": ["files", "exit_code"],
    "properties": {
        "files": {
            "type": "array",
            "items": {
                "type": "object",
                "required": ["file", "status", "lines", "errors", "warnings", "issues"],
                "properties": {
                    "file": _TEXT,
                    "format": {"type": ["string", "null"]},
                    "message": {"type": ["string", "null"]},
                    "status": {"enum": ["valid", "invalid", "unreadable"]},
                    "lines": _COUNT,
                    "errors": _COUNT,
                    "warnings": _COUNT,
                    "issues": {"type": "array", "items": ISSUE},
                },
            },
        },
        "exit_code": {"enum": [0, 1, 2]},
    },
}

CONVERSION_REFUSED: dict[str, Any] = {
    "type": "object",
    "required": ["file", "to", "status", "errors", "issues", "exit_code"],
    "properties": {
        "file": _TEXT,
        "to": _TEXT,
        "status": {"enum": ["invalid", "failed"]},
        "errors": _COUNT,
        "issues": {"type": "array", "items": ISSUE},
        "exit_code": {"enum": [1, 2]},
    },
}

PROBLEM: dict[str, Any] = {
    "type": "object",
    "required": ["error", "detail", "exit_code"],
    "properties": {"error": _TEXT, "detail": _TEXT, "exit_code": {"const": 2}},
}


def json_content(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def file_content() -> dict[str, Any]:
    """The media types a retour or a converted file comes in."""
    return {media.split(";")[0]: {"schema": {"type": "string"}} for media in MEDIA_TYPES.values()}


# ---------------------------------------------------------------- OpenAPI pieces

BODY: dict[str, Any] = {
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


def responses(ok: str, ok_content: dict[str, Any], answer: dict[str, Any] | None = None) -> Any:
    """OpenAPI responses: ``ok`` for 200, and the errors, whose body is the ``answer`` document
    (when the file was read but refused) or a problem."""
    refused = {"anyOf": [answer, PROBLEM]} if answer else PROBLEM
    return {
        200: {"description": ok, "content": ok_content},
        **{
            status: {"description": text, "content": json_content(refused)}
            for status, text in _ERRORS.items()
        },
    }
