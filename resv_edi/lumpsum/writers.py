"""Writers of lump-sum records: CSV, JSON, NDJSON, XML and EI, all streaming from an iterable.

Column / key / element names are the record's aliases, in model order; dates are ISO
``CCYY-MM-DD``, amounts integer cents. Absent values are empty (CSV) or left out. The EI form
is the layout ``RESV903`` (``mappings/ei``, written by ``tools/make_resv_ei_layouts.py``):
which field carries which element is read from that file.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import cache
from typing import IO, Any
from xml.sax.saxutils import escape

import orjson

from resv_edi.lumpsum.records import LumpSumRecord
from resv_edi.spreadsheet import SafeWriter
from resv_edi.vektis.layout import Layout, load_layout
from resv_edi.vektis.writer import format_record, write_texts

RECORD_FORMATS = ("csv", "ei", "json", "ndjson", "xml")
#: the EI layout of lump-sum records
EI_STANDARD = "RESV903"
COLUMNS = LumpSumRecord.element_names


def _plain(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def write_csv(records: Iterable[LumpSumRecord], out: IO[bytes]) -> int:
    buf = io.StringIO()
    writer = SafeWriter(buf)
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


@cache
def _ei_plan() -> tuple[Layout, tuple[tuple[str, str, str], ...]]:
    """The layout and, for the 04 record, (field key, element, field type) of every field
    that carries an element of the lump-sum record."""
    layout = load_layout(EI_STANDARD)
    assert layout.path is not None
    raw = json.loads(layout.path.read_text(encoding="utf-8"))
    line = next(r for r in raw["records"] if r["role"] == "service")
    plan = tuple((f["key"], f["element"], f["type"]) for f in line["fields"] if f.get("element"))
    return layout, plan


def write_ei(records: Iterable[LumpSumRecord], out: IO[bytes]) -> int:
    """One ``04`` record per lump-sum record between a header and a trailer (counts and the
    net total of the saldo); signed elements as their absolute value and a D/C field."""
    return write_texts(_ei_texts(records), out) - 2  # the header and the trailer


def _ei_texts(records: Iterable[LumpSumRecord]) -> Iterator[str]:
    layout, plan = _ei_plan()
    header, trailer = layout.header, layout.trailer
    line_type = layout.role_type("service")
    assert line_type is not None
    detail_key = layout.records[line_type].fields[1].key
    h = header.fields
    head = {
        h[1].key: layout.message_code,
        h[2].key: layout.version,
        h[3].key: layout.subversion,
        h[5].key: date.today(),
    }
    yield format_record(layout, header.type, head)
    n = net = 0
    for record in records:
        data = record.to_data()
        values: dict[str, Any] = {detail_key: n + 1}
        for key, element, kind in plan:
            value = data.get(element)
            if kind == "dc":
                values[key] = "C" if (value or 0) < 0 else "D"
            elif value is not None:
                values[key] = abs(value) if isinstance(value, int) else value
        net += record.saldo
        yield format_record(layout, line_type, values)
        n += 1
    t = trailer.fields
    total = {t[1].key: n, t[2].key: abs(net), t[3].key: "C" if net < 0 else "D"}
    yield format_record(layout, trailer.type, total)


WRITERS: dict[str, Callable[[Iterable[LumpSumRecord], IO[bytes]], int]] = {
    "csv": write_csv,
    "ei": write_ei,
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
