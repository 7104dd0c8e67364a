"""JSON Schemas generated from the model: one for a JSON document, one for an NDJSON line.

The constraints come from the model; titles, descriptions and type names from the same
sources as the XSDs: every property is titled as its element is spelled (``BtwBedrag``) and
described in Dutch from ``mappings/documentation.toml`` (never from a docstring), enumerations
are ``$defs`` named after their basisschema type (``LDT_DebetCredit`` -> ``DebetCredit``), and
the message code and versions are constants, as the message XSDs fix them. The shipped files
in ``xsd/`` are these, written by ``resv-edi schema --type json``; a test proves the shipped
files equal what the model generates.
"""

from __future__ import annotations

import copy
from typing import Any

from resv_edi.model.messages import MessageKind
from resv_edi.standard.documentation import Documentation, documentation
from resv_edi.standard.facts import facts
from resv_edi.standard.schema_types import element_types, enumerations

_DRAFT = "https://json-schema.org/draft/2020-12/schema"
#: basisschema types that become a named ``$defs`` entry besides the enumerations: the item
#: type of a repeated element (so generators name it instead of inventing ``...Item``)
_NAMED_TYPES = ("LDT_Retourcode",)


def _complex_types(kind: MessageKind) -> dict[str, str]:
    """``$defs`` name of each record model -> the complex type it mirrors in the XSD."""
    return {
        kind.header.__name__: "Header",
        kind.line.__name__: "Prestatie",
        kind.totals.__name__: "Totalen",
        kind.root: "Root",
    }


def _type_def(ldt: str, scalar: dict[str, Any], doc: Documentation) -> dict[str, Any]:
    """The ``$defs`` entry of a basisschema type: the model's constraints, the XSD's name and
    the documentation (with the meaning of each value for an enumeration)."""
    entry = doc.types[ldt]
    body: dict[str, Any] = {"title": ldt.removeprefix("LDT_"), "type": "string"}
    description = entry.text.nl
    if ldt in enumerations():
        values = list(enumerations()[ldt])
        body["enum"] = values
        meanings = "; ".join(f"{v} = {entry.values[v].nl.rstrip('.')}" for v in values)
        description += f" {meanings}."
    else:
        body |= {k: v for k, v in scalar.items() if k not in ("title", "description")}
    body["description"] = description
    return body


def _with_type(prop: dict[str, Any], ref: dict[str, Any]) -> dict[str, Any]:
    """``prop`` with its scalar part (itself, its array items or its non-null alternative)
    replaced by ``ref``."""
    if prop.get("type") == "array":
        return prop | {"items": ref}
    if "anyOf" in prop:
        branches = [b if b.get("type") == "null" else ref for b in prop["anyOf"]]
        return prop | {"anyOf": branches}
    return {k: v for k, v in prop.items() if k in ("title", "default")} | ref


def _scalar(prop: dict[str, Any]) -> dict[str, Any]:
    if prop.get("type") == "array":
        return prop["items"]
    if "anyOf" in prop:
        return next(b for b in prop["anyOf"] if b.get("type") != "null")
    return prop


def _fixed(kind: MessageKind) -> dict[str, dict[str, Any]]:
    """The header elements the message XSD fixes, as constants."""
    msg = facts().declaratie if kind.name == "declaratie" else facts().retour
    return {
        "BerichtCode": {"type": "string", "const": msg.code},
        "BerichtVersie": {"type": "integer", "const": msg.version},
        "BerichtSubversie": {"type": "integer", "const": msg.subversion},
    }


def _document_record(
    kind: MessageKind, complex_type: str, schema: dict[str, Any], defs: dict[str, Any]
) -> None:
    """Title, describe and name the types of the properties of one record, in place."""
    doc = documentation()
    ctype = doc.complex_types[kind.name][complex_type]
    types = element_types(kind.name)
    schema["description"] = ctype.text.nl
    for key, prop in list(schema["properties"].items()):
        ldt = types.get((complex_type, key), "")
        if complex_type == "Header" and key in _fixed(kind):
            prop = _fixed(kind)[key]
        elif ldt in enumerations() or ldt in _NAMED_TYPES:
            name = ldt.removeprefix("LDT_")
            defs.setdefault(name, _type_def(ldt, _scalar(prop), doc))
            prop = _with_type(prop, {"$ref": f"#/$defs/{name}"})
        text = ctype.elements[key]
        schema["properties"][key] = {**prop, "title": key, "description": text.nl}


def _with_documentation(kind: MessageKind, defs: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(defs)
    extra: dict[str, Any] = {}
    for name, complex_type in _complex_types(kind).items():
        out[name]["title"] = name
        _document_record(kind, complex_type, out[name], extra)
    return out | dict(sorted(extra.items()))


def _model_defs(kind: MessageKind) -> dict[str, Any]:
    """The record models of ``kind`` and its whole-message model, as pydantic makes them."""
    inner = kind.document.model_json_schema(by_alias=True, ref_template="#/$defs/{model}")
    defs = inner.pop("$defs", {})
    defs[kind.root] = inner
    return _with_documentation(kind, defs)


def _standard() -> str:
    return f"RESV declaratiestandaard {facts().version}"


def document_schema(kind: MessageKind) -> dict[str, Any]:
    """Schema of ``{"<Root>": {"Header": ..., "Prestaties": [...], "Totalen": ...}}``."""
    doc = documentation()
    return {
        "$schema": _DRAFT,
        "$id": f"{kind.namespace}:json",
        "title": f"{kind.root}Document",
        "description": f"{kind.root} ({_standard()}). {doc.serialisations['json'].nl}",
        "type": "object",
        "additionalProperties": False,
        "required": [kind.root],
        "properties": {
            kind.root: {
                "$ref": f"#/$defs/{kind.root}",
                "title": kind.root,
                "description": doc.roots[kind.name].nl,
            }
        },
        "$defs": _model_defs(kind),
    }


def ndjson_line_schema(kind: MessageKind) -> dict[str, Any]:
    """Schema of one NDJSON line: the header line, a line record or the totals."""
    doc = documentation()
    defs = _model_defs(kind)
    root = defs.pop(kind.root)
    texts = root["properties"]
    line_text = doc.element(kind.name, "Prestaties", kind.line_element).nl

    def branch(cls: type, element: str, description: str, **extra: Any) -> dict[str, Any]:
        prop = {"$ref": f"#/$defs/{cls.__name__}", "title": element, "description": description}
        return {
            "title": f"{cls.__name__}Regel",
            "description": description,
            "type": "object",
            "additionalProperties": False,
            "required": [*extra, element],
            "properties": {**extra, element: prop},
        }

    bericht = {
        "const": kind.root,
        "title": "Bericht",
        "description": doc.serialisations["Bericht"].nl,
    }
    lines = [
        branch(kind.header, kind.header_element, texts["Header"]["description"], Bericht=bericht),
        branch(kind.line, kind.line_element, line_text),
        branch(kind.totals, kind.totals_element, texts["Totalen"]["description"]),
    ]
    return {
        "$schema": _DRAFT,
        "$id": f"{kind.namespace}:ndjson",
        "title": f"{kind.root}Regel",
        "description": f"{kind.root} ({_standard()}). {doc.serialisations['ndjson'].nl}",
        "oneOf": [{"$ref": f"#/$defs/{line['title']}"} for line in lines],
        "$defs": defs | {line["title"]: line for line in lines},
    }
