"""What a message is made of, described once for every codec, and the entries readers yield.

A message (declaratie or retour) is a header record, any number of line records and a totals
record. ``MessageKind`` names the record classes and the element names around them, so that one
XML, JSON, NDJSON or EI codec serves both messages.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from resv_edi.errors import Location
from resv_edi.model.base import Record
from resv_edi.model.declaratie import Declaratiebericht, Header, Prestatie, Totalen
from resv_edi.model.retour import Retourbericht, RetourHeader, RetourPrestatie, RetourTotalen
from resv_edi.standard.facts import facts

Part = Literal["header", "line", "totals"]


@dataclass(frozen=True, slots=True)
class MessageKind:
    """The shape of one message of the standard."""

    name: str  # "declaratie" | "retour"
    root: str  # XML root element / JSON top-level key
    namespace: str
    header: type[Record]
    line: type[Record]
    totals: type[Record]
    document: type[Record]
    header_element: str = "Header"
    lines_element: str = "Prestaties"
    line_element: str = "Prestatie"
    totals_element: str = "Totalen"

    def record_class(self, part: Part) -> type[Record]:
        return {"header": self.header, "line": self.line, "totals": self.totals}[part]

    def element(self, part: Part) -> str:
        return {
            "header": self.header_element,
            "line": self.line_element,
            "totals": self.totals_element,
        }[part]


DECLARATIE = MessageKind(
    name="declaratie",
    root="Declaratiebericht",
    namespace=facts().ns_declaratie,
    header=Header,
    line=Prestatie,
    totals=Totalen,
    document=Declaratiebericht,
)

RETOUR = MessageKind(
    name="retour",
    root="Retourbericht",
    namespace=facts().ns_retour,
    header=RetourHeader,
    line=RetourPrestatie,
    totals=RetourTotalen,
    document=Retourbericht,
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
