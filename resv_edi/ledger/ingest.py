"""One streamed pass over a message, as the ledger stores it.

Messages are read only through :func:`resv_edi.pipeline.read` (no parser of its own). A
:class:`Scan` hands out the header, then the lines as table rows, and meanwhile computes the
content hash: SHA-256 over the records' values in schema order, so the same message in XML,
JSON, NDJSON or EI has the same hash. Only fields of the standard are kept, and of those not
the free texts (``Omschrijving``, ``Toelichting``): the ledger holds no more than it needs.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from resv_edi.errors import Issue, Location
from resv_edi.formats.ei.resv import claim_standard
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.base import Record
from resv_edi.model.declaratie import Prestatie
from resv_edi.model.messages import DECLARATIE, Entry, MessageKind
from resv_edi.pipeline import PathLike, read
from resv_edi.standard.catalogue import issue

LINE_COLUMNS = (
    "idx", "reference", "previous", "soort", "prestatiecode", "hoofdtaak", "agreement",
    "subcontract", "plan", "insurer", "executing", "commissioning", "region", "begin_date",
    "end_date", "year", "dc", "amount", "vat",
)  # fmt: skip


def line_row(index: int, line: Prestatie) -> tuple[Any, ...]:
    """The ledger's columns of a declaration line (:data:`LINE_COLUMNS`), amounts signed."""
    sign = 1 if line.debet_credit == "D" else -1
    return (
        index,
        line.referentienummer,
        line.vorig_referentienummer,
        line.prestatiesoort,
        line.prestatiecode,
        line.hoofdtaak,
        line.overeenkomst,
        line.opdracht_overeenkomst,  # prestatie 2: its subcontract
        line.resv_plan,
        line.zorgverzekeraar,
        line.uitvoerende_zorgaanbieder,
        line.opdrachtgevende_zorgaanbieder,
        line.werkgebied,
        line.begindatum,
        line.einddatum,
        line.begindatum.year,
        line.debet_credit,
        sign * line.bedrag,
        None if line.btw_bedrag is None else sign * line.btw_bedrag,
    )


@dataclass
class Scan:
    """Reads one message of ``kind``; iterate :meth:`lines` after :meth:`header`."""

    path: PathLike
    fmt: str = "auto"
    kind: MessageKind = DECLARATIE
    limits: Limits = DEFAULT_LIMITS
    errors: list[Issue] = field(default_factory=list)
    totals: Record | None = None
    header_location: Location = field(default_factory=Location)
    count: int = 0
    _hash: Any = field(default_factory=hashlib.sha256)
    _stream: Iterator[Entry | Issue] | None = None

    def header(self) -> Record | None:
        """The header, or ``None`` when the message cannot be read up to it (see ``errors``)."""
        self._stream = read(self.path, self.fmt, kind=self.kind, limits=self.limits)
        for entry in self._entries():
            if entry.part == "header":
                self.header_location = entry.location
                return entry.record
            break
        claim = claim_standard(self.path, self.limits) if not self.errors else None
        if claim is not None:  # never read further: a claim file carries patient data
            reason = f"{claim} is a Vektis claim file, not a RESV message; the ledger refuses it"
            self.errors.append(issue("F002", Location(file=str(self.path)), reason=reason))
        self._expected("Header")
        return None

    def entries(self) -> Iterator[Entry]:
        """The line entries that bound to the model, then reads the totals."""
        for entry in self._entries():
            if entry.part == "line":
                self.count += 1
                yield entry
            elif entry.part == "totals":
                self.totals = entry.record
        if self.totals is None and not self.errors:
            self._expected("Totalen")

    @property
    def digest(self) -> str:
        return self._hash.hexdigest()

    @property
    def ok(self) -> bool:
        return not self.errors

    def _entries(self) -> Iterator[Entry]:
        assert self._stream is not None
        update = self._hash.update
        for item in self._stream:
            if isinstance(item, Issue):
                if item.is_error:
                    self.errors.append(item)
                continue
            if item.record is None:
                continue  # its issues came before it
            update(orjson.dumps(item.record.to_data()))
            update(b"\n")
            yield item

    def _expected(self, part: str) -> None:
        if not self.errors:
            where = Location(file=str(self.path))
            self.errors.append(issue("F001", where, reason=f"the message has no {part}"))
