"""The EI texts of RESV line records, from a plan made once per layout: a whole
:class:`~resv_edi.model.columns.LineBlock`, or up to 1 024 records, at a time, by columns
(each field's distinct values formatted once).

The common values (text, whole numbers, dates) are formatted by
:func:`~resv_edi.vektis.writer.column_formatter`; a block holding any other value is written
record by record through :func:`~resv_edi.vektis.writer.format_record`, which writes or
refuses it. So the bytes and the errors are that function's
(``tests/formats/test_column_writers.py``, ``tests/formats/ei/test_ei_write_columns.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import repeat
from operator import attrgetter, itemgetter
from typing import Any

from resv_edi.model.base import Record, field_pairs
from resv_edi.model.columns import LineBlock
from resv_edi.vektis.layout import FieldSpec, Layout
from resv_edi.vektis.writer import blank_record, column_formatter, field_formatter, format_record

#: a mapped field: the model element it carries, the index of a repeated element, and
#: whether the value is written as zero-padded digits
Mapped = tuple[FieldSpec, str, int | None, bool]


class _Unfit(Exception):
    """A value that only :func:`format_record` may write (or refuse)."""


_Format = Callable[[list[Any]], "list[str] | None"]
_NONE = frozenset({type(None)})


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
        self._blanks = blank_record(layout, line_type)
        position = {f.key: i for i, f in enumerate(record.fields)}
        attr_of = {element: attr for attr, element in field_pairs(cls)}
        self._slots: tuple[tuple[int, str, int | None, bool, FieldSpec, _Format], ...] = tuple(
            (position[spec.key], attr_of[element], index, digits, spec, column_formatter(spec))
            for spec, element, index, digits in mapped
        )
        self._detail = record.fields[1]  # the detail record number
        self._number = field_formatter(self._detail)
        self._numbers = column_formatter(self._detail)
        self._cls = cls
        self._attrs = tuple(cls.model_fields)
        attrs = self._attrs
        self._row = itemgetter(*attrs) if len(attrs) > 1 else lambda row: (row[attrs[0]],)
        self._note_plan = self._comment_plan()

    def texts(self, record: Record, detail: int) -> list[str]:
        """The texts of one line record (and of its comment), numbered ``detail``, through
        :func:`format_record` (which refuses a value that does not fit)."""
        values = record.__dict__
        found = [self._exact(values, detail)]
        note = values.get("toelichting")
        if note and self.comment_type is not None:
            found.append(self._comment_text(detail, note))
        return found

    def records_texts(self, records: Sequence[Record], detail: int) -> tuple[list[str], int]:
        """:meth:`block_texts` of consecutive line ``records`` (their values as columns)."""
        rows = map(self._row, map(attrgetter("__dict__"), records))
        columns = dict(zip(self._attrs, map(list, zip(*rows, strict=True)), strict=True))
        if not columns:
            columns = {attr: [] for attr in self._attrs}
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
        noted = [j for j, note in enumerate(notes) if note]
        comments = self._comment_texts([notes[j] for j in noted], [detail + 1 + j for j in noted])
        found = []
        at = 0
        for j, comment in zip(noted, comments, strict=True):
            found += lines[at : j + 1]
            found.append(comment)
            at = j + 1
        found += lines[at:]
        return found, len(found) - n

    def _columns(self, columns: dict[str, list[Any]], detail: int, n: int) -> list[Any]:
        """Per field of the record, the text of every line (an endless repeat for a blank);
        :class:`_Unfit` for a value only :func:`format_record` may write."""
        parts: list[Any] = list(map(repeat, self._blanks))
        numbers = self._numbers(list(range(detail + 1, detail + n + 1))) if n else []
        if numbers is None:
            raise _Unfit
        parts[1] = numbers
        for i, attr, index, digits, spec, formatted in self._slots:
            if index is not None:
                raise _Unfit
            values = columns[attr]
            if len(set(map(type, values)) - _NONE) > 1:
                raise _Unfit  # 1 and True (or 1.0) would be one dictionary key
            distinct = dict.fromkeys(values)  # TypeError for a list
            absent = None in distinct
            if absent:
                del distinct[None]
            keys = list(distinct)
            given = [str(v).rjust(spec.length, "0") for v in keys] if digits else keys
            texts = formatted(given) if given else []
            if texts is None:
                raise _Unfit
            if not absent and len(keys) == len(values):  # all distinct: already in order
                parts[i] = texts
                continue
            lookup = dict(zip(keys, texts, strict=True))
            if absent:
                lookup[None] = self._blanks[i]
            parts[i] = list(map(lookup.__getitem__, values))
        return parts

    def _exact(self, values: dict[str, Any], detail: int) -> str:
        """The record through :func:`format_record`, given its values as the RESV mapping
        gives them (the path for values the plan does not take)."""
        given: dict[str, Any] = {}
        for _, attr, index, digits, spec, _ in self._slots:
            value = values[attr]
            if index is not None:
                value = value[index] if isinstance(value, list) and len(value) > index else None
            if value is None:
                continue
            given[spec.key] = str(value).rjust(spec.length, "0") if digits else value
        given[self._detail.key] = detail
        return format_record(self.layout, self.line_type, given)

    def _comment_plan(self) -> tuple[list[str], int, int, _Format] | None:
        """The comment record's blank texts, the positions of its number and text fields
        with the text's formatter, when its fields are those :meth:`_comment_text` fills (type,
        number, line number, text, blanks); else ``None`` (every comment one by one)."""
        if self.comment_type is None or self._comment is None:
            return None
        fields = self.layout.records[self.comment_type].fields
        keys = [f.key for f in fields]
        if len(fields) < 4 or self._comment.key not in keys[3:]:
            return None
        blanks = list(blank_record(self.layout, self.comment_type))
        line_number = field_formatter(fields[2])(1)
        if line_number is None:
            return None
        blanks[2] = line_number
        return blanks, 1, keys.index(self._comment.key), column_formatter(self._comment)

    def _comment_texts(self, notes: list[str], numbers: list[int]) -> list[str]:
        """The comment records of ``notes`` (non-empty texts) numbered ``numbers``: by
        columns where every value is a common one, else one by one through
        :meth:`_comment_text` (the same texts, and its errors)."""
        plan = self._note_plan
        comment = self._comment
        assert comment is not None
        if plan is not None and numbers:
            blanks, at_number, at_note, formatted = plan
            number_texts = column_formatter(
                self.layout.records[self.comment_type].fields[at_number]  # type: ignore[index]
            )(numbers)
            note_texts = formatted(notes)
            if number_texts is not None and note_texts is not None:
                parts: list[Any] = list(map(repeat, blanks))
                parts[at_number] = number_texts
                parts[at_note] = note_texts
                return list(map("".join, zip(*parts, strict=False)))  # blanks repeat endlessly
        return [
            self._comment_text(number, note) for number, note in zip(numbers, notes, strict=True)
        ]

    def _comment_text(self, detail: int, note: str) -> str:
        assert self.comment_type is not None and self._comment is not None
        fields = self.layout.records[self.comment_type].fields
        values = {fields[1].key: detail, fields[2].key: 1, self._comment.key: note}
        return format_record(self.layout, self.comment_type, values)
