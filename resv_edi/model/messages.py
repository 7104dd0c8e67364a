"""What a message is made of, described once for every codec, and the entries readers yield.

A message (declaratie or retour) is a header record, any number of line records and a totals
record. ``MessageKind`` names the record classes and the element names around them, so that one
XML, JSON, NDJSON or EI codec serves both messages.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Any, Literal

from resv_edi.errors import Location
from resv_edi.model.base import Record
from resv_edi.standard.facts import facts

Part = Literal["header", "line", "totals"]
#: a part's place in :func:`record_classes`
_PARTS: dict[str, int] = {"header": 0, "line": 1, "totals": 2}


@dataclass(frozen=True, slots=True)
class MessageKind:
    """The shape of one message of the standard.

    ``records`` names the module of its record classes and the classes of the header, a
    line, the totals and the whole document (``"module:Header,Line,Totals,Document"``); they
    are imported when first asked for (:attr:`header`, :attr:`line`, ...), so that reading a
    declaration never loads the retour's models (start-up).
    """

    name: str  # "declaratie" | "retour"
    root: str  # XML root element / JSON top-level key
    namespace: str
    records: str
    header_element: str = "Header"
    lines_element: str = "Prestaties"
    line_element: str = "Prestatie"
    totals_element: str = "Totalen"

    @property
    def header(self) -> type[Record]:
        return record_classes(self.records)[0]

    @property
    def line(self) -> type[Record]:
        return record_classes(self.records)[1]

    @property
    def totals(self) -> type[Record]:
        return record_classes(self.records)[2]

    @property
    def document(self) -> type[Record]:
        return record_classes(self.records)[3]

    def record_class(self, part: Part) -> type[Record]:
        return record_classes(self.records)[_PARTS[part]]

    def element(self, part: Part) -> str:
        return {
            "header": self.header_element,
            "line": self.line_element,
            "totals": self.totals_element,
        }[part]


@cache
def record_classes(records: str) -> tuple[type[Record], ...]:
    """The record classes ``"module:Header,Line,Totals,Document"`` names, imported once."""
    module, names = records.split(":")
    found = importlib.import_module(module)
    return tuple(getattr(found, name) for name in names.split(","))


DECLARATIE = MessageKind(
    name="declaratie",
    root="Declaratiebericht",
    namespace=facts().ns_declaratie,
    records="resv_edi.model.declaratie:Header,Prestatie,Totalen,Declaratiebericht",
)

RETOUR = MessageKind(
    name="retour",
    root="Retourbericht",
    namespace=facts().ns_retour,
    records="resv_edi.model.retour:RetourHeader,RetourPrestatie,RetourTotalen,Retourbericht",
)

KINDS: dict[str, MessageKind] = {DECLARATIE.name: DECLARATIE, RETOUR.name: RETOUR}


@dataclass(frozen=True, slots=True)
class Entry:
    """One record as a reader yields it.

    ``record`` is ``None`` when the record could not be validated against the model; the
    reader has then yielded the issues before this entry, and ``raw`` holds the values as read
    (element name -> value), so that what is still sound in them (a line's amount, for the
    retour's totals) can be used. ``index`` counts lines from 1 (0 for header and totals);
    ``kind`` names the message kind (``declaratie`` or ``retour``).
    """

    part: Part
    record: Record | None
    location: Location
    index: int = 0
    kind: str = ""  # the message kind's name, known to the reader even when binding failed
    raw: Mapping[str, Any] | None = None  # the values as read, when ``record`` is None
