"""CSV: a message as one table, for spreadsheets and data tools.

The first row names the columns: ``Record``, then every element of the header, the line and
the totals (in schema order, each name once). Each following row is one record: ``Record``
says which (``Header``, ``Prestatie``, ``Totalen``) and the record's own cells are filled;
an empty cell is an absent element. Values are in their XML text form (dates ``CCYY-MM-DD``,
amounts in cents); repeated elements (``Retourcode``) are separated by spaces. UTF-8, comma,
minimal quoting; a cell a spreadsheet would run as a formula is written with a leading quote
(:mod:`resv_edi.spreadsheet`), which the reader drops again. A row's position is its line
number in the file (texts cannot hold line breaks), and a field's position is its column name.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import date
from functools import cache
from typing import IO, Any, BinaryIO

from resv_edi.errors import Issue, Location
from resv_edi.formats.ordering import RecordOrder
from resv_edi.limits import DEFAULT_LIMITS, Limits
from resv_edi.model.base import Record, field_pairs
from resv_edi.model.binding import bind
from resv_edi.model.messages import DECLARATIE, KINDS, Entry, MessageKind, Part
from resv_edi.source import Source, physical_lines, read_guarded
from resv_edi.spreadsheet import SafeWriter, restore
from resv_edi.standard.catalogue import issue

RECORD_COLUMN = "Record"
_REPEATED = {"Retourcode"}


@cache
def columns(kind: MessageKind) -> tuple[str, ...]:
    """The header row of ``kind``: ``Record`` and each element name once, in schema order."""
    names: list[str] = [RECORD_COLUMN]
    for part in ("header", "line", "totals"):
        names.extend(n for n in kind.record_class(part).element_names if n not in names)
    return tuple(names)


def _kind_of(header_row: list[str]) -> MessageKind | None:
    return next((k for k in KINDS.values() if tuple(header_row) == columns(k)), None)


def read_csv(
    source: Source,
    kind: MessageKind | None = None,
    *,
    file: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> Iterator[Entry | Issue]:
    """Yield the entries of a message in CSV form and issues where it is wrong."""
    yield from read_guarded(source, file, limits, lambda fh, name: _read(fh, kind, name, limits))


class _LineFault(Exception):
    """A physical line that cannot be read: not UTF-8, or longer than the limit."""

    def __init__(self, code: str, line: int, column: int | None, reason: str) -> None:
        super().__init__(reason)
        self.code, self.line, self.column, self.reason = code, line, column, reason


def _text_lines(fh: BinaryIO, max_length: int) -> Iterator[str]:
    """The file's lines (ended by CR LF, LF or CR) decoded one by one, so that a byte that is
    not UTF-8 is reported at its own line and column, and no line is held beyond
    ``max_length`` bytes (0: no limit)."""
    bound = max_length or 1 << 62
    for number, (body, _, overlong) in enumerate(physical_lines(fh, bound), 1):
        if overlong:
            raise _LineFault("L001", number, None, f"a line longer than {max_length} bytes")
        try:
            yield body.decode("utf-8-sig" if number == 1 else "utf-8")
        except UnicodeDecodeError as exc:
            reason = f"not UTF-8: byte {body[exc.start]:#04x} at column {exc.start + 1}"
            raise _LineFault("C001", number, exc.start + 1, reason) from None


class _Rows:
    """csv rows, one physical line each (no text of the standard holds a line break): a
    quote left open is reported at the line of its row, not where the csv module gives up."""

    def __init__(self, lines: Iterator[str]) -> None:
        self._reader = csv.reader(lines, strict=True)
        self.start = 1  # the line the row being read starts at

    @property
    def line_num(self) -> int:
        return self._reader.line_num

    def __iter__(self) -> _Rows:
        return self

    def __next__(self) -> list[str]:
        self.start = self._reader.line_num + 1
        row = next(self._reader)
        if self._reader.line_num > self.start:
            raise csv.Error("a quoted text runs over a line break (a quote left open?)")
        return row


def _read(
    fh: BinaryIO, kind: MessageKind | None, name: str, limits: Limits
) -> Iterator[Entry | Issue]:
    rows = _Rows(_text_lines(fh, limits.max_line_length))
    where = Location(file=name, line=1)
    try:
        header_row = next(rows, None)
        if header_row is None:
            yield issue("F003", Location(file=name))
            return
        found = _kind_of(header_row)
        if found is None or (kind is not None and found is not kind):
            expected = (kind or DECLARATIE).root
            reason = f"the first row is not the column row of a {expected}"
            yield issue("C001", where, reason=reason)
            return
        yield from _rows(rows, found, name, limits)
    except _LineFault as fault:
        where = Location(file=name, line=fault.line, column=fault.column)
        yield issue(fault.code, where, reason=fault.reason)
    except csv.Error as exc:
        yield issue("C001", Location(file=name, line=rows.start), reason=str(exc)[:200])


def _rows(rows: Any, kind: MessageKind, name: str, limits: Limits) -> Iterator[Entry | Issue]:
    names = columns(kind)
    parts: dict[str, Part] = {kind.element(p): p for p in ("header", "line", "totals")}
    own = {p: set(kind.record_class(p).element_names) for p in ("header", "line", "totals")}
    order = {"header": 0, "line": 1, "totals": 1}
    state = lines = 0
    max_text = limits.max_field_length
    for row in rows:
        number = rows.line_num
        where = Location(file=name, line=number)
        if len(row) != len(names):
            yield issue("C002", where, reason=f"{len(row)} cells, expected {len(names)}")
            continue
        part = parts.get(row[0])
        if part is None:
            yield issue("C002", where, reason=f"unknown Record {row[0][:20]!r}")
            continue
        if state != order[part]:
            yield issue("C002", where, reason=f"{row[0]} out of order")
        state = {"header": 1, "line": 1, "totals": 2}[part]
        data: dict[str, Any] = {}
        stray = []
        for column, written in zip(names[1:], row[1:], strict=True):
            cell = restore(written)
            if not cell:
                continue
            if len(cell) > max_text:
                yield issue("L001", where.with_(path=column), reason=f"{column} too long")
                return
            if column not in own[part]:
                stray.append(column)
            else:
                data[column] = cell.split(" ") if column in _REPEATED else cell
        index = 0
        if part == "line":
            lines += 1
            index = lines
            if limits.max_records and lines > limits.max_records:
                yield issue("L001", where, reason=f"more than {limits.max_records} lines")
                return
        ref = data.get("Referentienummer") if part == "line" else None
        location = where.with_(
            path=row[0],
            record_type=row[0],
            reference=ref if isinstance(ref, str) else None,
            index=index or None,
        )
        for column in stray:
            yield issue("S003", location.with_(path=column), field=column)
        record, problems = bind(
            kind.record_class(part),
            data,
            location,
            locate_field=lambda f, loc=location: loc.with_(path=f),  # type: ignore[misc]
        )
        yield from problems
        bound = None if stray else record
        yield Entry(part, bound, location, index, kind.name, data if bound is None else None)


def write_csv(records: Iterable[Record], out: IO[bytes], kind: MessageKind = DECLARATIE) -> int:
    """Write ``records`` (header, lines, totals) as one CSV table; return the line count."""
    order = RecordOrder(kind)
    names = columns(kind)
    position = {n: i for i, n in enumerate(names)}
    text = io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True)
    writer = SafeWriter(text, lineterminator="\n")
    writer.writerow(names)
    for record in records:
        part = order.accept(record)
        row = [""] * len(names)
        row[0] = kind.element(part)
        values = record.__dict__
        for attr, name in field_pairs(type(record)):
            value = values[attr]
            if value is not None:
                row[position[name]] = _cell(value)
        writer.writerow(row)
    order.finish()
    text.flush()
    text.detach()
    return order.lines


def _cell(value: Any) -> str:
    if isinstance(value, list):
        return " ".join(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
