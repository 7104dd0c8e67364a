"""The documentation of the messages from ``mappings/documentation.toml``, Dutch first.

One source for the ``xs:documentation`` of the XSDs (``tools/annotate_xsd.py``), the
descriptions of the JSON Schemas and the element tables of ``docs/standard.md``. Enumeration
values of a type that names a code list are documented by that code list.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from resv_edi.standard.codelists import codelist
from resv_edi.standard.paths import mappings_dir


@dataclass(frozen=True, slots=True)
class Text:
    """One explanation in Dutch and in English."""

    nl: str
    en: str


@dataclass(frozen=True, slots=True)
class ComplexDoc:
    """A complex type of a message and the elements of its sequence."""

    text: Text
    elements: dict[str, Text]


@dataclass(frozen=True, slots=True)
class TypeDoc:
    """A simple type of the basisschema and, for an enumeration, its values."""

    text: Text
    values: dict[str, Text]
    codelist: str | None = None


@dataclass(frozen=True, slots=True)
class Documentation:
    """Everything ``mappings/documentation.toml`` says."""

    types: dict[str, TypeDoc]
    roots: dict[str, Text]  # message name -> its root element
    complex_types: dict[str, dict[str, ComplexDoc]]  # message name -> type name -> doc
    serialisations: dict[str, Text]  # texts that only the JSON Schemas use (json, ndjson, ...)

    def element(self, message: str, complex_type: str, element: str) -> Text:
        """The text of ``element`` inside ``complex_type`` of ``message``."""
        return self.complex_types[message][complex_type].elements[element]

    def element_texts(self, message: str, complex_type: str) -> dict[str, Text]:
        return self.complex_types[message][complex_type].elements


def _text(raw: Any, where: str) -> Text:
    if not isinstance(raw, dict) or not isinstance(raw.get("nl"), str) or not raw["nl"].strip():
        raise ValueError(f"documentation: {where} needs a Dutch text (nl)")
    if not isinstance(raw.get("en"), str) or not raw["en"].strip():
        raise ValueError(f"documentation: {where} needs an English text (en)")
    return Text(raw["nl"].strip(), raw["en"].strip())


def _type_doc(name: str, raw: dict[str, Any]) -> TypeDoc:
    listname = raw.get("codelist")
    values = {str(v): _text(t, f"{name} value {v}") for v, t in raw.get("values", {}).items()}
    if listname:
        if values:
            raise ValueError(f"documentation: {name} has both a code list and values")
        values = {
            code: Text(entry.text("nl"), entry.text("en"))
            for code, entry in codelist(listname).codes.items()
        }
    return TypeDoc(_text(raw, name), values, listname)


def load_documentation(path: Path | None = None) -> Documentation:
    """Read and check the documentation file (by default the one in ``mappings/``)."""
    with (path or mappings_dir() / "documentation.toml").open("rb") as fh:
        raw = tomllib.load(fh)
    types = {name: _type_doc(name, body) for name, body in raw.pop("types", {}).items()}
    serialisations = {
        name: _text(body, f"serialisations.{name}")
        for name, body in raw.pop("serialisations", {}).items()
    }
    roots: dict[str, Text] = {}
    complex_types: dict[str, dict[str, ComplexDoc]] = {}
    for message, body in raw.items():
        roots[message] = _text(body, message)
        complex_types[message] = {
            name: ComplexDoc(
                _text(entry, f"{message}.{name}"),
                {
                    el: _text(text, f"{message}.{name}.{el}")
                    for el, text in entry.get("elements", {}).items()
                },
            )
            for name, entry in body.items()
            if isinstance(entry, dict)
        }
    return Documentation(types, roots, complex_types, serialisations)


@cache
def documentation() -> Documentation:
    """The shipped documentation, read once."""
    return load_documentation()
