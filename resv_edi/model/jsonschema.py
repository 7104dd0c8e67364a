"""JSON Schemas generated from the model: one for a JSON document, one for an NDJSON line.

The shipped files in ``xsd/`` are these, written by ``resv-edi schema --type json``; a test
proves the shipped files equal what the model generates.
"""

from __future__ import annotations

from typing import Any

from resv_edi.model.messages import MessageKind
from resv_edi.standard.facts import facts

_DRAFT = "https://json-schema.org/draft/2020-12/schema"


def document_schema(kind: MessageKind) -> dict[str, Any]:
    """Schema of ``{"<Root>": {"Header": ..., "Prestaties": [...], "Totalen": ...}}``."""
    inner = kind.document.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
    defs = inner.pop("$defs", {})
    inner.pop("title", None)
    return {
        "$schema": _DRAFT,
        "$id": f"{kind.namespace}:json",
        "title": f"{kind.root} {facts().version} (JSON)",
        "type": "object",
        "additionalProperties": False,
        "required": [kind.root],
        "properties": {kind.root: inner},
        "$defs": defs,
    }


def ndjson_line_schema(kind: MessageKind) -> dict[str, Any]:
    """Schema of one NDJSON line: the header line, a line record or the totals."""
    doc = document_schema(kind)
    defs = doc["$defs"]

    def ref(cls: type) -> dict[str, str]:
        return {"$ref": f"#/$defs/{cls.__name__}"}

    return {
        "$schema": _DRAFT,
        "$id": f"{kind.namespace}:ndjson",
        "title": f"{kind.root} {facts().version} (NDJSON line)",
        "oneOf": [
            {
                "type": "object",
                "additionalProperties": False,
                "required": ["Bericht", kind.header_element],
                "properties": {
                    "Bericht": {"const": kind.root},
                    kind.header_element: ref(kind.header),
                },
            },
            {
                "type": "object",
                "additionalProperties": False,
                "required": [kind.line_element],
                "properties": {kind.line_element: ref(kind.line)},
            },
            {
                "type": "object",
                "additionalProperties": False,
                "required": [kind.totals_element],
                "properties": {kind.totals_element: ref(kind.totals)},
            },
        ],
        "$defs": defs,
    }
