"""Exporting the ledger's lines (with their message) as CSV or JSON, streamed.

The export holds exactly what the ledger holds: fields of received messages and their retours,
never anything else. JSON is one document ``{"Regels": [...]}`` written row by row.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import IO, Any

import orjson

from resv_edi.ledger.store import Ledger

EXPORT_COLUMNS = (
    "message_ident", "sender", "receiver", "dagtekening", "declaratienummer", "idx",
    "reference", "previous", "soort", "prestatiecode", "hoofdtaak", "agreement", "subcontract",
    "plan", "insurer", "executing", "commissioning", "region", "begin_date", "end_date", "year",
    "dc", "amount", "vat", "granted", "retour_codes",
)  # fmt: skip
_MESSAGE = {"message_ident", "receiver", "dagtekening", "declaratienummer"}
FORMATS = ("csv", "json")


def export_rows(ledger: Ledger) -> Iterator[dict[str, Any]]:
    """Every line of the ledger in message and line order, as column -> value."""
    selected = ", ".join(f"{'m' if c in _MESSAGE else 'l'}.{c}" for c in EXPORT_COLUMNS)
    sql = (
        f"SELECT {selected} FROM lines l JOIN messages m ON m.id = l.message_id"
        " ORDER BY l.message_id, l.idx"
    )
    for row in ledger.db.stream(sql):
        yield {name: _plain(value) for name, value in zip(EXPORT_COLUMNS, row, strict=True)}


def _plain(value: Any) -> Any:
    return value if value is None or isinstance(value, int | str) else str(value)


def write_export(ledger: Ledger, out: IO[bytes], to: str) -> int:
    """Write the export in format ``to`` (``csv`` or ``json``) to ``out``; the line count."""
    count = 0
    if to == "csv":
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, EXPORT_COLUMNS, lineterminator="\r\n")
        writer.writeheader()
        for row in export_rows(ledger):
            writer.writerow(row)
            count += 1
            if buffer.tell() > 1 << 16:
                out.write(buffer.getvalue().encode())
                buffer.seek(0)
                buffer.truncate()
        out.write(buffer.getvalue().encode())
        return count
    if to != "json":
        raise ValueError(f"unknown export format {to!r}")
    out.write(b'{"Regels": [')
    for row in export_rows(ledger):
        out.write((b",\n" if count else b"\n") + orjson.dumps(row))
        count += 1
    out.write(b"\n]}\n")
    return count
