"""The EI texts of RESV line records, from a plan made once per layout: by record, or a whole
:class:`~resv_edi.model.columns.LineBlock` by columns (each field's distinct values formatted
once).

Byte for byte what :func:`~resv_edi.vektis.writer.format_record` writes for the values the
RESV mapping gives it (``tests/formats/test_column_writers.py``); a value that does not fit
its field is left to that function, so its error is the same too.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from itertools import repeat
from typing import Any

from resv_edi.model.base import Record, field_pairs
from resv_edi.model.columns import LineBlock
from resv_edi.vektis.layout import AMOUNT, AN, DATE, DC, FieldSpec, Layout, N
from resv_edi.vektis.writer import format_field, format_record

#: a mapped field: the model element it carries, the index of a repeated element, and
#: whether the value is written as zero-padded digits
Mapped = tuple[FieldSpec, str, int | None, bool]


class _Unfit(Exception):
    """A value the fast formatting does not take: the exact formatter decides."""


def field_text(spec: FieldSpec, value: Any) -> str:
    """The text of a present value (not ``None``, not ``""``) as :func:`format_record` writes
    it; :class:`_Unfit` when only :func:`format_field` can say (an error, or a rare type)."""
    kind = spec.kind
    width = spec.length
    if type(value) is str and kind in (AN, DC) and len(value) <= width:
        return value.ljust(width)
    if type(value) is int and kind in (AMOUNT, N) and 0 <= value < 10**width:
        return str(value).rjust(width, "0")
    if type(value) is date and kind == DATE and value.year >= 1000:
        return value.isoformat().replace("-", "")
    try:
        return format_field(spec, value)
    except ValueError:
        raise _Unfit from None


def _field_texts(spec: FieldSpec, blank: str, values: list[Any]) -> list[str]:
    """:func:`field_text` of each value (``blank`` for ``""``), a column at a time."""
    kind = spec.kind
    width = spec.length
    if values:
        kinds = set(map(type, values))
        if kinds == {str} and kind in (AN, DC) and max(map(len, values)) <= width:
            return [value.ljust(width) if value else blank for value in values]
        if kinds == {int} and kind in (AMOUNT, N) and min(values) >= 0 and max(values) < 10**width:
            return [str(value).rjust(width, "0") for value in values]
        if kinds == {date} and kind == DATE and min(values).year >= 1000:
            return [value.isoformat().replace("-", "") for value in values]
    return [blank if value == "" else field_text(spec, value) for value in values]


class LinePlan:
    """How the line records (``line_type``) of ``cls`` are written, with a comment record
    (``comment_type``, its text field ``comment``) after a line whose Toelichting is set."""

    def __init__(
        self,
        layout: Layout,
        cls: type[Record],
        line_type: str,
        mapped: Sequence[Mapped],
        comment_type: str | None,
        comment: FieldSpec | None,
    ) -> None:
        self.layout = layout
        self.line_type = line_type
        self.comment_type = comment_type if comment is not None else None
        self._comment = comment
        record = layout.records[line_type]
        self._blanks = [format_field(f, None) for f in record.fields]
        if record.fields and len(record.type) == record.fields[0].length:
            self._blanks[0] = record.type
        position = {f.key: i for i, f in enumerate(record.fields)}
        attr_of = {element: attr for attr, element in field_pairs(cls)}
        self._slots = tuple(
            (position[spec.key], attr_of[element], index, digits, spec)
            for spec, element, index, digits in mapped
        )
        self._detail = record.fields[1]  # the detail record number
        self._cls = cls
        self._attrs = tuple(cls.model_fields)

    def texts(self, record: Record, detail: int) -> list[str]:
        """The texts of one line record (and of its comment), numbered ``detail``."""
        values = record.__dict__
        parts = list(self._blanks)
        try:
            for i, attr, index, digits, spec in self._slots:
                value = values[attr]
                if index is not None:
                    value = value[index] if isinstance(value, list) and len(value) > index else None
                if value is None:
                    continue
                if digits:
                    value = str(value).rjust(spec.length, "0")
                if value != "":
                    parts[i] = field_text(spec, value)
            parts[1] = field_text(self._detail, detail)
            found = ["".join(parts)]
        except _Unfit:
            found = [self._exact(values, detail)]  # raises the exact formatter's error
        note = values.get("toelichting")
        if note and self.comment_type is not None:
            found.append(self._comment_text(detail, note))
        return found

    def records_texts(self, records: Sequence[Record], detail: int) -> tuple[list[str], int]:
        """:meth:`block_texts` of consecutive line ``records`` (their values as columns)."""
        rows = [record.__dict__ for record in records]
        columns = {attr: [row[attr] for row in rows] for attr in self._attrs}
        return self.block_texts(LineBlock(self._cls, columns), detail, records)

    def block_texts(
        self, block: LineBlock, detail: int, records: Sequence[Record] | None = None
    ) -> tuple[list[str], int]:
        """The texts of every line of ``block`` and their comments, numbered from
        ``detail + 1`` (the same as :meth:`texts` line by line), and the comment count;
        ``records`` are the block's lines as records when the caller has them."""
        n = len(block)
        columns = block.columns
        try:
            parts = self._columns(columns, detail, n)
        except (_Unfit, TypeError):  # TypeError: a list (not hashable)
            found: list[str] = []
            given = block.records() if records is None else records
            for number, record in enumerate(given, detail + 1):
                found.extend(self.texts(record, number))
            return found, len(found) - n
        lines = list(map("".join, zip(*parts, strict=False)))  # blanks repeat endlessly
        notes = columns.get("toelichting")
        if self.comment_type is None or notes is None or not any(notes):
            return lines, 0
        found = []
        for number, (line, note) in enumerate(zip(lines, notes, strict=True), detail + 1):
            found.append(line)
            if note:
                found.append(self._comment_text(number, note))
        return found, len(found) - n

    def _columns(self, columns: dict[str, list[Any]], detail: int, n: int) -> list[Any]:
        """Per field of the record, the text of every line (an endless repeat for a blank)."""
        width = self._detail.length
        if detail + n >= 10**width:
            raise _Unfit
        parts: list[Any] = [repeat(blank) for blank in self._blanks]
        parts[1] = [str(d).rjust(width, "0") for d in range(detail + 1, detail + n + 1)]
        for i, attr, index, digits, spec in self._slots:
            if index is not None:
                raise _Unfit
            values = columns[attr]
            blank = self._blanks[i]
            distinct = dict.fromkeys(values)
            absent = None in distinct
            if absent:
                del distinct[None]
            keys = list(distinct)
            given = [str(v).rjust(spec.length, "0") for v in keys] if digits else keys
            texts = _field_texts(spec, blank, given)
            if not absent and len(keys) == len(values):  # all distinct: already in order
                parts[i] = texts
                continue
            lookup = dict(zip(keys, texts, strict=True))
            if absent:
                lookup[None] = blank
            parts[i] = list(map(lookup.__getitem__, values))
        return parts

    def _exact(self, values: dict[str, Any], detail: int) -> str:
        """The record through :func:`format_record`, given its values as the RESV mapping
        gives them (the path for values the plan does not take)."""
        given: dict[str, Any] = {}
        for _, attr, index, digits, spec in self._slots:
            value = values[attr]
            if index is not None:
                value = value[index] if isinstance(value, list) and len(value) > index else None
            if value is None:
                continue
            given[spec.key] = str(value).rjust(spec.length, "0") if digits else value
        given[self._detail.key] = detail
        return format_record(self.layout, self.line_type, given)

    def _comment_text(self, detail: int, note: str) -> str:
        assert self.comment_type is not None and self._comment is not None
        fields = self.layout.records[self.comment_type].fields
        values = {fields[1].key: detail, fields[2].key: 1, self._comment.key: note}
        return format_record(self.layout, self.comment_type, values)
