"""Writing EI records: fixed-width text from typed values, CR LF after every record, latin-1.

The inverse of the reader: ``N`` right-aligned and zero-padded, ``AN`` left-aligned and
space-padded, dates ``CCYYMMDD`` (``None`` = zeros), amounts unsigned cents, ``dc`` as ``D``/``C``.
A missing value is written as the empty value of its type (zeros for N/date/amount, spaces
otherwise). A value that does not fit its field raises :class:`ValueError`.
A record read from a file is written back byte for byte: raw texts of values that failed to
convert are written unchanged, and an N, date or amount field that is blank in the record's
:attr:`~resv_edi.vektis.reader.EIRecord.raw` text and whose value is still empty
(``None`` / ``""``, as the reader left it) is written as those spaces, not as zeros. A value the
caller changed is formatted as usual: a date set to ``None`` where the file held a date is
written as zeros, a value given to a blank field is written in full. (To write zeros into a
field that was blank, pass the values as a ``(record type, values)`` pair instead.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from datetime import date
from typing import IO, Any, BinaryIO

from resv_edi.vektis.framing import UTF8_SEQUENCE, looks_utf8
from resv_edi.vektis.layout import AMOUNT, AN, DATE, DC, FieldSpec, Layout, N, RecordLayout
from resv_edi.vektis.reader import EIRecord


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


def format_record(
    layout: Layout, record_type: str, values: Mapping[str, Any], raw: str | None = None
) -> str:
    """The text of one record (without line ending). ``values`` is keyed by field key;
    the record type field is filled from ``record_type`` when absent.

    ``raw`` is the record's text as read (:attr:`EIRecord.raw`): an empty value (``None`` or
    ``""``) of an N, date or amount field that is blank in ``raw`` is written as its spaces
    rather than zeros, so that a record read from a file is written back unchanged."""
    rl = layout.records.get(record_type)
    if rl is None:
        raise ValueError(f"{layout.name} has no record type {record_type!r}")
    template, slots = _plan(rl)
    if raw is not None and len(raw) != layout.record_length:
        raw = None  # a record of the wrong length (E001): its fields are not where they belong
    parts = list(template)  # the empty value of every field; only given values are formatted
    if parts[0] != record_type:  # the record type field, unless ``values`` names it
        parts[0] = format_field(rl.fields[0], record_type)
    for key, value in values.items():
        slot = slots.get(key)
        if slot is None:
            unknown = sorted(set(values) - slots.keys())
            raise ValueError(f"record {record_type} has no field(s) {unknown}")
        i, f, kind, width = slot
        # the common cases inline (this is the writer's hot path); the rest, and every
        # value that does not fit, through format_field
        if value is None or value == "":
            if raw is not None and kind != AN:
                start = f.start - 1
                blank = raw[start : start + width]
                if blank.isspace():  # blank in the file, not zeros: keep it blank
                    parts[i] = blank
            continue
        if type(value) is str and kind == AN and len(value) <= width:
            parts[i] = value.ljust(width)
        elif type(value) is int and kind in (AMOUNT, N) and 0 <= value < 10**width:
            parts[i] = str(value).rjust(width, "0")
        elif type(value) is date and kind == DATE and value.year >= 1000:
            parts[i] = value.isoformat().replace("-", "")
        else:
            parts[i] = format_field(f, value)
    text = "".join(parts)
    if len(text) != layout.record_length:
        raise ValueError(f"record {record_type}: {len(text)} positions, not {layout.record_length}")
    return text


_Slot = tuple[int, FieldSpec, int, int]
_PLANS: dict[int, tuple[RecordLayout, tuple[str, ...], dict[str, _Slot]]] = {}


def _plan(rl: RecordLayout) -> tuple[tuple[str, ...], dict[str, _Slot]]:
    """The empty text of every field of ``rl`` (the record type filled in) and, per field key,
    its position, spec, kind and width; computed once per layout."""
    cached = _PLANS.get(id(rl))
    if cached is None or cached[0] is not rl:
        blanks = [format_field(f, None) for f in rl.fields]
        if rl.fields and len(rl.type) == rl.fields[0].length:
            blanks[0] = rl.type
        slots = {f.key: (i, f, f.kind, f.length) for i, f in enumerate(rl.fields)}
        cached = _PLANS[id(rl)] = (rl, tuple(blanks), slots)
    return cached[1], cached[2]


def blank_record(layout: Layout, record_type: str) -> tuple[str, ...]:
    """The text of every field of an empty ``record_type`` record (its type filled in):
    what :func:`format_record` writes where no value is given."""
    return _plan(layout.records[record_type])[0]


def field_formatter(f: FieldSpec) -> Callable[[Any], str | None]:
    """The text :func:`format_record` writes for the common values of field ``f`` (text,
    whole numbers, dates), or ``None`` for any other value (empty ones too), which only
    :func:`format_record` may write (or refuse)."""
    width = f.length
    kind = f.kind
    limit = 10**width

    def text(value: Any) -> str | None:
        if type(value) is str:
            if not value or kind == DATE:
                return None
            if kind in (AN, DC):
                return value.ljust(width) if len(value) <= width else None
            return value.rjust(width, "0") if len(value) <= width else None
        if type(value) is int and kind in (AMOUNT, N) and 0 <= value < limit:
            return str(value).rjust(width, "0")
        if type(value) is date and kind == DATE and value.year >= 1000:
            return value.isoformat().replace("-", "")
        return None

    return text


def column_formatter(f: FieldSpec) -> Callable[[list[Any]], list[str] | None]:
    """:func:`field_formatter` of field ``f`` over a list of values at once: their texts, or
    ``None`` when any is not a common value (a test proves both give the same texts)."""
    width = f.length
    kind = f.kind
    one = field_formatter(f)

    def texts(values: list[Any]) -> list[str] | None:
        kinds = set(map(type, values))
        if kinds == {str} and kind in (AN, DC):
            lengths = list(map(len, values))
            if min(lengths) > 0 and max(lengths) <= width:
                return [value.ljust(width) for value in values]
        elif kinds == {int} and kind in (AMOUNT, N):
            if min(values) >= 0 and max(values) < 10**width:
                return [str(value).rjust(width, "0") for value in values]
        elif kinds == {date} and kind == DATE and min(values).year >= 1000:
            return [value.isoformat().replace("-", "") for value in values]
        found = list(map(one, values))
        return None if None in found else found  # type: ignore[return-value]

    return texts


def encode_lines(texts: list[str], first: int = 1) -> bytes:
    """``texts`` (records numbered from ``first``) as ISO-8859-1 bytes, CR LF after each.

    ValueError for a character outside ISO-8859-1, and for text whose ISO-8859-1 bytes are
    also a UTF-8 sequence (such as "Â©"): receivers, this reader too (F004), would take
    the file for UTF-8. Lines are checked one by one only when the block holds such a
    sequence.
    """
    try:
        block = ("\r\n".join(texts) + "\r\n").encode("latin-1")
    except UnicodeEncodeError:
        for n, text in enumerate(texts, first):
            try:
                text.encode("latin-1")
            except UnicodeEncodeError as exc:
                raise ValueError(f"record {n}: character outside ISO-8859-1: {exc}") from None
        raise
    if not block.isascii() and UTF8_SEQUENCE.search(block) is not None:
        for n, text in enumerate(texts, first):
            line = text.encode("latin-1")
            if not line.isascii() and looks_utf8(line):
                raise ValueError(
                    f"record {n}: its ISO-8859-1 text reads as a UTF-8 sequence "
                    f"({line.decode('utf-8').strip()!r}); an EI receiver would refuse the file"
                )
    return block


def write_texts(texts: Iterable[str], out: BinaryIO | IO[bytes]) -> int:
    """Write record texts to ``out`` as ISO-8859-1, CR LF after each, in blocks of 1024
    (checked by :func:`encode_lines`); returns the count."""
    n = 0
    buffer: list[str] = []
    for text in texts:
        buffer.append(text)
        if len(buffer) >= 1024:
            out.write(encode_lines(buffer, n + 1))
            n += len(buffer)
            buffer.clear()
    if buffer:
        out.write(encode_lines(buffer, n + 1))
        n += len(buffer)
    return n


def write_text_lists(lists: Iterable[list[str]], out: BinaryIO | IO[bytes]) -> int:
    """:func:`write_texts` of the texts of ``lists`` in turn: the same bytes, encoded in
    the same blocks of 1024 (so an error names the same record), without a step per text."""
    n = 0
    buffer: list[str] = []
    for texts in lists:
        buffer += texts
        if len(buffer) >= 1024:
            full = len(buffer) - len(buffer) % 1024
            for at in range(0, full, 1024):
                out.write(encode_lines(buffer[at : at + 1024], n + 1))
                n += 1024
            del buffer[:full]
    if buffer:
        out.write(encode_lines(buffer, n + 1))
        n += len(buffer)
    return n


def write_records(
    records: Iterable[EIRecord | tuple[str, Mapping[str, Any]]], out: BinaryIO, layout: Layout
) -> int:
    """Write records to ``out`` (binary), CR LF after each, latin-1; returns the count."""
    return write_texts(
        (
            format_record(layout, rec.record_type, rec.values, rec.raw)
            if isinstance(rec, EIRecord)
            else format_record(layout, rec[0], rec[1])
            for rec in records
        ),
        out,
    )


__all__ = [
    "blank_record",
    "column_formatter",
    "encode_lines",
    "field_formatter",
    "format_field",
    "format_record",
    "write_records",
    "write_texts",
]
