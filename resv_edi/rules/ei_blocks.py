"""RESV EI validation in blocks: the same issues as the exact path, at a fraction of its cost.

The exact reader (:func:`~resv_edi.formats.ei.resv.read_ei_blocks`: frame scanner, field
reader, model records) reads the file and is asked, at the start of every line, whether a
block of lines from there is certainly clean (:meth:`EiCheck._take`). For up to :data:`BLOCK`
records of the right length it checks on bytes: CR LF at the record stride, no control
character (``bytes.translate``), line records each maybe followed by one comment record, no
UTF-8; then it slices the block once with the compiled layout, converts each field's distinct
values with the reader's own converter (:func:`~resv_edi.vektis.reader.parse_column`), checks
the detail numbers' order, validates the columns with the model
(:func:`~resv_edi.rules.blocks.line_columns`) and the line rules by columns. A clean block
passes the reader as one :class:`~resv_edi.vektis.framing.FrameRun` (the scanner and reader
count it) and reaches the rule engine as a :class:`~resv_edi.rules.blocks.CleanRun`; anything
doubtful is read record by record, so the answer is the exact path's by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import repeat
from operator import itemgetter
from typing import IO, Any

from resv_edi.errors import Issue
from resv_edi.formats.ei.resv import ResvLayout, element_column, read_ei_blocks, resv_layout
from resv_edi.model.messages import DECLARATIE, Entry
from resv_edi.rules.block_check import BlockCheck
from resv_edi.rules.blocks import CleanRun, alias_columns, clean_run
from resv_edi.source import Runs
from resv_edi.vektis.framing import NOT_CONTROL, FrameRun, framed_lines, looks_utf8
from resv_edi.vektis.layout import FieldSpec, RecordLayout
from resv_edi.vektis.reader import EIReader, parse_column

BLOCK = 2048
#: lines framed right before a block is worth checking; fewer go the exact way
MIN_RUN = 8
_PROBE = 64  # lines framed first, before the whole block is looked at


@dataclass(frozen=True, slots=True)
class _Plan:
    """What a block of declaratie lines is read with (from the RESV layout)."""

    rl: ResvLayout
    length: int
    main: RecordLayout  # the line records
    comment: RecordLayout | None  # their comment records
    main_b: bytes
    comment_b: bytes | None
    trailer_b: bytes
    path: str


@cache
def _plan() -> _Plan | None:
    """The declaratie's block plan, or ``None`` when its layout does not fit the scheme
    (repeated fields, totals over other records): then every line goes the exact way."""
    rl = resv_layout(DECLARATIE.name)
    layout = rl.layout
    main = layout.records[rl.record_type["line"]]
    comment = layout.records[rl.comment_type] if rl.comment_type else None
    mapped = [*rl.fields[main.type], *(rl.fields[comment.type] if comment else ())]
    if any(fm.index is not None for fm in mapped) or main.detail_id is None:
        return None
    if comment is not None and (comment.parent != "*" or comment.detail_id is None):
        return None
    if any(rtype != main.type for total in layout.totals for rtype, _, _ in total.sums):
        return None
    return _Plan(
        rl,
        layout.record_length,
        main,
        comment,
        main.type.encode("latin-1"),
        comment.type.encode("latin-1") if comment else None,
        layout.trailer.type.encode("latin-1"),
        DECLARATIE.element("line"),
    )


class EiCheck(BlockCheck):
    """Issues of the RESV EI message at ``path`` (iterate once); ``lines`` counts its lines."""

    _reader: EIReader | None = None
    _exact_until = 0  # lines up to this one go the exact way (a block found doubtful)

    def _body(self, fh: IO[bytes], name: str) -> Iterator[Entry | Issue | CleanRun]:
        # the exact reader opens the file itself (it reads the header first), as in ``read``
        index = 0
        items = read_ei_blocks(
            self.path, self.kind, file=name, limits=self.limits, blocks=self._blocks
        )
        for item in items:
            if isinstance(item, FrameRun):
                columns, lines = item.payload
                path = _plan().path  # type: ignore[union-attr]
                yield clean_run(columns, index + 1, lines, path)
                index += len(lines)
                continue
            if isinstance(item, Entry) and item.part == "line":
                index = item.index
            yield item

    def _blocks(self, reader: EIReader) -> Runs:
        self._reader = reader
        return self._take

    def _take(self, buf: bytes, pos: int) -> tuple[FrameRun, int] | None:
        """A clean block of whole records from ``pos`` in ``buf`` (a line start), if any."""
        reader = self._reader
        scanner = reader.scanner if reader is not None else None
        plan = _plan()
        if scanner is None or plan is None or scanner.lines < self._exact_until:
            return None
        length = plan.length
        stride = length + 2
        # one record looked at first: a doubtful line costs little
        if (
            buf[pos + length : pos + stride] != b"\r\n"
            or buf[pos : pos + 2] != plan.main_b
            or buf[pos : pos + length].translate(None, NOT_CONTROL)
            or not self.block_allowed()
            or self.limits.max_line_length < length
            or scanner.layout is not plan.rl.layout
            or not scanner.takes_run(plan.main.type)
        ):
            return None
        n = min((len(buf) - pos) // stride, BLOCK)
        count = framed_lines(buf, pos, min(n, _PROBE), length)
        if count == _PROBE and n > _PROBE:
            count = framed_lines(buf, pos, n, length)
        view = buf[pos : pos + count * stride]
        if not scanner.utf8_reported and not view.isascii():
            count = next(
                (j for j in range(count) if looks_utf8(view[j * stride : j * stride + length])),
                count,
            )
            view = view[: count * stride]
        types = [view[j : j + 2] for j in range(0, len(view), stride)]
        count = _in_order(types, plan, buf[pos + count * stride : pos + count * stride + 2])
        if count < MIN_RUN:
            self._exact_until = scanner.lines + max(count, 1)
            return None
        run = self._run(view[: count * stride].decode("latin-1"), types[:count], plan, reader)
        if run is None and count >= 2 * MIN_RUN:
            # doubtful: its first half may be clean (one look, so dense errors cost little)
            half = _in_order(types[: count // 2], plan, types[count // 2])
            if half >= MIN_RUN:
                run = self._run(view[: half * stride].decode("latin-1"), types[:half], plan, reader)
                if run is not None:
                    return run, pos + half * stride
                count = half
        if run is None:
            self._exact_until = scanner.lines + count
            return None
        return run, pos + count * stride

    def _run(self, text: str, types: list[bytes], plan: _Plan, reader: Any) -> FrameRun | None:
        """The block's :class:`FrameRun` when all its records are certainly clean."""
        length = plan.length
        stride = length + 2
        first_line = reader.scanner.lines + 1
        mains = [j for j, t in enumerate(types) if t == plan.main_b]
        notes = [j for j, t in enumerate(types) if t != plan.main_b]
        size = BLOCK
        if len(types) < size:  # the block padded to its full size: one set of getters
            text += " " * (stride * (size - len(types)))
        main = _fields_of(plan.main, text, mains, size)
        if main is None:
            return None
        elements: dict[str, list[Any]] = {}
        for fm in plan.rl.fields[plan.main.type]:
            elements[fm.element] = list(element_column(fm, main[fm.spec.key]))
        ids = list(map(int, main[plan.main.detail_id.key]))  # type: ignore[union-attr]
        if notes:
            assert plan.comment is not None and plan.comment.detail_id is not None
            comment = _fields_of(plan.comment, text, notes, size)
            if comment is None:
                return None
            at = {j: i for i, j in enumerate(mains)}
            for fm in plan.rl.fields[plan.comment.type]:
                column: list[Any] = [None] * len(mains)
                for j, value in zip(notes, element_column(fm, comment[fm.spec.key]), strict=True):
                    column[at[j - 1]] = value
                elements[fm.element] = column
            number = dict(zip(mains, ids, strict=True))
            number.update(zip(notes, map(int, comment[plan.comment.detail_id.key]), strict=True))
            numbers = [number[j] for j in range(len(types))]
        else:
            numbers = ids
        roles = ["comment" if t != plan.main_b else "service" for t in types]
        if not reader.takes_run(numbers[0], roles[0], len(types)):
            return None
        if any(
            b < a or (b == a and role != "comment")
            for a, b, role in zip(numbers, numbers[1:], roles[1:], strict=False)
        ):
            return None
        columns = alias_columns(elements, len(mains), context=None)
        if columns is None or not self.clean_lines(columns):
            return None
        sums: dict[str, int] = {}
        layout = plan.rl.layout
        for total in layout.totals:
            net = 0
            for _, amount_key, dc_key in total.sums:
                amounts = main[amount_key]
                signs = main[dc_key] if dc_key is not None else repeat("D")
                net += sum(-a if s == "C" else a for a, s in zip(amounts, signs, strict=False))
            sums[total.field.key] = net
        counts = {plan.main.type: len(mains)}
        if notes:
            counts[plan.comment.type] = len(notes)  # type: ignore[union-attr]
        lines = [first_line + j for j in mains]
        return FrameRun(
            first_line,
            len(types),
            plan.main.type,
            counts,
            roles[-1],
            numbers[-1],
            types[-1].decode("latin-1"),
            sums,
            (columns, lines),
        )


def _fields_of(
    rl: RecordLayout, text: str, rows: list[int], size: int
) -> dict[str, Sequence[Any]] | None:
    """Every needed field's column of values (by key) in records ``rows`` of the block
    ``text`` (``size`` records at the stride), as the reader reads them; ``None`` when any
    value has a problem."""
    count = len(rows)
    if count != size:  # the records of ``rows`` alone, at the same stride
        stride = len(text) // size
        size = min(size, 1 << (count - 1).bit_length())  # few rows: fewer getters
        picked = "".join([text[j * stride : (j + 1) * stride] for j in rows])
        text = picked + " " * (stride * (size - count))
    columns: dict[str, Sequence[Any]] = {}
    for f, getter in _column_getters(rl.type, size):
        raws = getter(text)
        values = parse_column(f, raws[:count] if count < size else raws)
        if values is None:
            return None
        columns[f.key] = values
    return columns


@cache
def _column_getters(
    rtype: str, size: int
) -> tuple[tuple[FieldSpec, Callable[[str], tuple[str, ...]]], ...]:
    """Per field of record type ``rtype`` that the block needs (checked or mapped): the
    getter of its texts in ``size`` records at the record stride."""
    rl = resv_layout(DECLARATIE.name)
    mapped = {fm.spec.key for fm in rl.fields.get(rtype, ())}
    stride = rl.layout.record_length + 2
    getters: list[tuple[FieldSpec, Callable[[str], tuple[str, ...]]]] = []
    for f in rl.layout.records[rtype].fields:
        if f.checked or f.key in mapped:
            at = f.start - 1
            slices = [slice(j + at, j + at + f.length) for j in range(0, size * stride, stride)]
            getters.append((f, itemgetter(*slices) if size > 1 else _one(slices[0])))
    return tuple(getters)


def _one(where: slice) -> Callable[[str], tuple[str, ...]]:
    return lambda text: (text[where],)


def _in_order(types: list[bytes], plan: _Plan, after: bytes) -> int:
    """How many records from the first are line records each followed by at most one
    comment record, ending right before a line record or the trailer: any other record
    after them (a comment, an unknown or broken record, the end of the buffer) may still be
    followed by something the exact reader gives to the last line, so that line and its
    comment go the exact way."""
    main, comment = plan.main_b, plan.comment_b
    previous = None
    n = len(types)
    for j, t in enumerate(types):
        if not (t == main or (t == comment and previous == main)):
            n = j
            after = t
            break
        previous = t
    if n and after != main and after != plan.trailer_b:
        while n and types[n - 1] != main:
            n -= 1  # back over the last line's comment
        n = max(n - 1, 0)  # and the last line itself
    return n
