"""Writing EI records: fixed-width text from typed values, CR LF after every record, latin-1.

The inverse of the reader: ``N`` right-aligned and zero-padded, ``AN`` left-aligned and
space-padded, dates ``CCYYMMDD`` (``None`` = zeros), amounts unsigned cents, ``dc`` as ``D``/``C``.
A missing value is written as the empty value of its type (zeros for N/date/amount, spaces
otherwise). A value that does not fit its field raises :class:`ValueError`.
A record read from a file is written back byte for byte (raw texts of values that failed to
convert are written unchanged).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any, BinaryIO

from resv_edi.formats.ei.layout import AMOUNT, AN, DATE, DC, FieldSpec, Layout, N
from resv_edi.formats.ei.reader import EIRecord


def format_field(f: FieldSpec, value: Any) -> str:
    """The fixed-width text of ``value`` in field ``f``; ValueError when it does not fit."""
    width = f.length
    if value is None or value == "":
        text = "0" * width if f.kind in (N, DATE, AMOUNT) else " " * width
    elif f.kind == AN or f.kind == DC:
        text = str(value).ljust(width)
    elif f.kind == DATE and isinstance(value, date):
        text = value.strftime("%Y%m%d") if value.year >= 1000 else f"{value.year:04d}{value:%m%d}"
    elif isinstance(value, bool):
        raise ValueError(f"field {f.label}: boolean is not a valid value")
    elif isinstance(value, int):
        if value < 0:
            raise ValueError(f"field {f.label}: negative value {value}; use the D/C indicator")
        text = str(value).rjust(width, "0")
    elif isinstance(value, str):
        # raw text kept by the reader for a value it could not convert, or digits as text
        text = value if len(value) == width else value.rjust(width, "0")
    else:
        raise ValueError(f"field {f.label}: cannot write {type(value).__name__}")
    if len(text) != width:
        raise ValueError(f"field {f.label}: {value!r} does not fit in {width} positions")
    return text


def format_record(layout: Layout, record_type: str, values: Mapping[str, Any]) -> str:
    """The text of one record (without line ending). ``values`` is keyed by field key;
    the record type field is filled from ``record_type`` when absent."""
    rl = layout.records.get(record_type)
    if rl is None:
        raise ValueError(f"{layout.name} has no record type {record_type!r}")
    unknown = set(values) - rl.by_key.keys()
    if unknown:
        raise ValueError(f"record {record_type} has no field(s) {sorted(unknown)}")
    parts = []
    for i, f in enumerate(rl.fields):
        value = values.get(f.key)
        if i == 0 and value is None:
            value = record_type
        parts.append(format_field(f, value))
    text = "".join(parts)
    if len(text) != layout.record_length:
        raise ValueError(f"record {record_type}: {len(text)} positions, not {layout.record_length}")
    return text


def write_records(
    records: Iterable[EIRecord | tuple[str, Mapping[str, Any]]], out: BinaryIO, layout: Layout
) -> int:
    """Write records to ``out`` (binary), CR LF after each, latin-1; returns the count."""
    n = 0
    write = out.write
    for rec in records:
        if isinstance(rec, EIRecord):
            text = format_record(layout, rec.record_type, rec.values)
        else:
            text = format_record(layout, rec[0], rec[1])
        try:
            write(text.encode("latin-1") + b"\r\n")
        except UnicodeEncodeError as exc:
            raise ValueError(f"record {n + 1}: character outside ISO-8859-1: {exc}") from None
        n += 1
    return n


__all__ = ["format_field", "format_record", "write_records"]
