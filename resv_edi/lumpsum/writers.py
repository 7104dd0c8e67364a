"""Writers of lump-sum records: CSV, JSON, NDJSON and XML, all streaming from an iterable.

Column / key / element names are the record's aliases, in model order; dates are ISO
``CCYY-MM-DD``, amounts integer cents. Absent values are empty (CSV) or left out.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from datetime import date
from typing import IO, Any
from xml.sax.saxutils import escape

import orjson

from resv_edi.lumpsum.records import LumpSumRecord

RECORD_FORMATS = ("csv", "json", "ndjson", "xml")
COLUMNS = LumpSumRecord.element_names


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def write_csv(records: Iterable[LumpSumRecord], out: IO[bytes]) -> int:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    n = 0
    for record in records:
        data = record.to_data()
        writer.writerow(["" if (v := data.get(c)) is None else _plain(v) for c in COLUMNS])
        n += 1
        if buf.tell() > 1 << 16:
            out.write(buf.getvalue().encode("utf-8"))
            buf.seek(0)
            buf.truncate()
    out.write(buf.getvalue().encode("utf-8"))
    return n


def write_ndjson(records: Iterable[LumpSumRecord], out: IO[bytes]) -> int:
    n = 0
    for record in records:
        out.write(orjson.dumps(record.to_data()) + b"\n")
        n += 1
    return n


def write_json(records: Iterable[LumpSumRecord], out: IO[bytes]) -> int:
    out.write(b'{"LumpsumRecords": [')
    n = 0
    for record in records:
        out.write((b",\n  " if n else b"\n  ") + orjson.dumps(record.to_data()))
        n += 1
    out.write(b"\n]}\n")
    return n


def write_xml(records: Iterable[LumpSumRecord], out: IO[bytes]) -> int:
    out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n<LumpsumRecords>\n')
    n = 0
    for record in records:
        parts = ["  <LumpsumRecord>"]
        for name, value in record.to_data().items():
            parts.append(f"    <{name}>{escape(str(_plain(value)))}</{name}>")
        parts.append("  </LumpsumRecord>\n")
        out.write("\n".join(parts).encode("utf-8"))
        n += 1
    out.write(b"</LumpsumRecords>\n")
    return n


WRITERS: dict[str, Callable[[Iterable[LumpSumRecord], IO[bytes]], int]] = {
    "csv": write_csv,
    "json": write_json,
    "ndjson": write_ndjson,
    "xml": write_xml,
}


def write_records(records: Iterable[LumpSumRecord], out: IO[bytes], fmt: str) -> int:
    """Write ``records`` to ``out`` in ``fmt`` (one of :data:`RECORD_FORMATS`); the count."""
    try:
        writer = WRITERS[fmt]
    except KeyError:
        raise ValueError(f"lump-sum records are written as {', '.join(RECORD_FORMATS)}") from None
    return writer(records, out)
