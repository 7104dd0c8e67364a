"""RESV EI validation in blocks: the same issues as the exact path, at a fraction of its cost.

The exact reader (:func:`~resv_edi.formats.ei.resv.read_ei_blocks`: frame scanner, field
reader, model records) reads the file and is asked, at the start of every line, whether a
block of lines from there is certainly clean (:meth:`EiCheck._take`). For up to :data:`BLOCK`
records of the right length it checks on bytes: CR LF at the record stride, no control
character (``bytes.translate``), line records each maybe followed by one comment record, no
UTF-8; then it reads the block's columns (:func:`~resv_edi.rules.ei_columns.read_columns`:
neighbouring fields sliced as one stretch, each distinct text converted once with the
reader's own converter, :func:`~resv_edi.vektis.reader.parse_column`), checks the detail
numbers' order, validates the distinct values with the model
(:func:`~resv_edi.rules.blocks.alias_columns`) and the line rules by columns. A clean block
passes the reader as one :class:`~resv_edi.vektis.framing.FrameRun` (the scanner and reader
count it) and reaches the rule engine as a :class:`~resv_edi.rules.blocks.CleanRun`; anything
doubtful is read record by record, so the answer is the exact path's by construction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import compress, repeat
from operator import eq, itemgetter, le, lt
from typing import IO, Any

from resv_edi.errors import Issue
from resv_edi.formats.ei.resv import ResvLayout, element_column, read_ei_blocks, resv_layout
from resv_edi.model.messages import DECLARATIE, Entry
from resv_edi.rules.block_check import BlockCheck
from resv_edi.rules.blocks import CleanRun, alias_columns, clean_run
from resv_edi.rules.ei_columns import Spread, read_columns
from resv_edi.source import Runs
from resv_edi.vektis.framing import NOT_CONTROL, FrameRun, framed_lines, looks_utf8
from resv_edi.vektis.layout import RecordLayout
from resv_edi.vektis.reader import EIReader, all_digits

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
    #: the width of the detail numbers when the line's and the comment's are alike (then
    #: they are compared as texts of digits, as their numbers compare), else 0
    id_width: int


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
        _id_width(main, comment),
    )


def _id_width(main: RecordLayout, comment: RecordLayout | None) -> int:
    """The width of the detail-number fields of ``main`` and ``comment`` when they are
    alike, else 0."""
    ids = [rl.detail_id for rl in (main, comment) if rl is not None]
    widths = {f.length for f in ids if f is not None}
    return widths.pop() if len(widths) == 1 and None not in ids else 0


class EiCheck(BlockCheck):
    """Issues of the RESV EI message at ``path`` (iterate once); ``lines`` counts its lines."""

    _reader: EIReader | None = None
    _exact_until = 0  # lines up to this one go the exact way (a block found doubtful)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._spread = Spread()  # which fields hold all different texts

    def _body(self, fh: IO[bytes], name: str) -> Iterator[Entry | Issue | CleanRun]:
        # the exact reader opens the file itself (it reads the header first), as in ``read``
        index = 0
        items = read_ei_blocks(
            self.source, self.kind, file=name, limits=self.limits, blocks=self._blocks
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
        types = _types(view, stride, count)
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
        first_line = reader.scanner.lines + 1
        count = len(types)
        notes = _positions(types, plan.comment_b) if plan.comment_b in types else []
        if len(notes) + types.count(plan.main_b) != count:
            return None  # only lines and their comments (as _in_order made sure)
        mains = _others(count, notes) if notes else None
        n = count - len(notes)
        main = read_columns(
            plan.main, text, count, mains, _keys(plan.main.type), self._spread, True, notes
        )
        if main is None:
            return None
        elements: dict[str, list[Any]] = {}
        distinct: dict[str, list[Any]] = {}
        for fm in plan.rl.fields[plan.main.type]:
            column = main[fm.spec.key]
            made = element_column(fm, column.values)
            elements[fm.element] = column.per_record(made)
            distinct[fm.element] = (
                elements[fm.element] if column.texts is None else list(dict.fromkeys(made))
            )
        ids = main[plan.main.detail_id.key].per_record()  # type: ignore[union-attr]
        width = plan.id_width
        if notes:
            assert plan.comment is not None and plan.comment.detail_id is not None
            assert mains is not None
            comment = read_columns(
                plan.comment, text, count, notes, _keys(plan.comment.type), self._spread, True
            )
            if comment is None:
                return None
            for fm in plan.rl.fields[plan.comment.type]:
                noted: list[Any] = [None] * n
                made = element_column(fm, comment[fm.spec.key].per_record())
                for k, (j, value) in enumerate(zip(notes, made, strict=True)):
                    noted[j - k - 1] = value  # the line right before the k-th comment
                elements[fm.element] = noted
                distinct[fm.element] = list(dict.fromkeys(noted))
            note_ids = comment[plan.comment.detail_id.key].per_record()
            if not (width and _digit_texts(ids, width) and _digit_texts(note_ids, width)):
                ids, note_ids = list(map(int, ids)), list(map(int, note_ids))
            numbers = _merged(ids, notes, note_ids)
            roles = ["service"] * count
            for j in notes:
                roles[j] = "comment"
        else:
            numbers = ids if width and _digit_texts(ids, width) else list(map(int, ids))
            roles = ["service"] * count
        first_id, last_id = int(numbers[0]), int(numbers[-1])
        if not reader.takes_run(first_id, roles[0], count) or not _numbered(numbers, roles):
            return None
        columns = alias_columns(elements, n, None, distinct, screened=True)
        if columns is None or not self.clean_lines(columns):
            return None
        sums: dict[str, int] = {}
        for total in plan.rl.layout.totals:
            net = 0
            for _, amount_key, dc_key in total.sums:
                amounts = main[amount_key].per_record()
                net += sum(amounts)
                if dc_key is not None:
                    credits = map(eq, main[dc_key].per_record(), repeat("C"))
                    net -= 2 * sum(compress(amounts, credits))
            sums[total.field.key] = net
        counts = {plan.main.type: n}
        if notes:
            counts[plan.comment.type] = len(notes)  # type: ignore[union-attr]
        if mains is None:
            lines: Sequence[int] = range(first_line, first_line + count)
        else:
            lines = list(map(first_line.__add__, mains))
        return FrameRun(
            first_line,
            count,
            plan.main.type,
            counts,
            roles[-1],
            last_id,
            types[-1].decode("latin-1"),
            sums,
            (columns, lines),
        )


@cache
def _keys(rtype: str) -> frozenset[str]:
    """The keys of record type ``rtype``'s fields that carry model elements."""
    return frozenset(fm.spec.key for fm in resv_layout(DECLARATIE.name).fields.get(rtype, ()))


def _types(view: bytes, stride: int, count: int) -> list[bytes]:
    """The record types (first two bytes) of the ``count`` records in ``view``."""
    if count <= 1:
        return [view[:2]] if count else []
    got = _type_getter(stride, 1 << (count - 1).bit_length())(view)
    return list(got[:count])


@cache
def _type_getter(stride: int, size: int) -> Callable[[bytes], tuple[bytes, ...]]:
    return itemgetter(*map(slice, range(0, size * stride, stride), range(2, size * stride, stride)))


def _digit_texts(values: list[Any], width: int) -> bool:
    """Every one of ``values`` is a text of ``width`` ASCII digits: such texts compare as
    their numbers do."""
    try:
        joined = "".join(values)
    except TypeError:
        return False
    return len(joined) == width * len(values) and all_digits(joined)


def _others(count: int, notes: list[int]) -> list[int]:
    """The positions in ``range(count)`` that are not in ``notes`` (sorted, few)."""
    keep = bytearray(b"\x01") * count
    for j in notes:
        keep[j] = 0
    return list(compress(range(count), keep))


def _merged(ids: list[int], notes: list[int], note_ids: list[int]) -> list[int]:
    """The numbers of all records: ``ids`` (the lines', in order) with ``note_ids`` put at
    positions ``notes`` (sorted)."""
    merged: list[int] = []
    taken = 0
    for j, number in zip(notes, note_ids, strict=True):
        lines = j - len(merged)
        merged += ids[taken : taken + lines]
        taken += lines
        merged.append(number)
    merged += ids[taken:]
    return merged


def _numbered(numbers: list[int], roles: list[str]) -> bool:
    """The detail numbers go up, each comment's at least its line's (as the reader checks)."""
    nexts = numbers[1:]
    if all(map(lt, numbers, nexts)):
        return True
    if not all(map(le, numbers, nexts)):
        return False
    return all(map(eq, compress(roles[1:], map(eq, numbers, nexts)), repeat("comment")))


def _in_order(types: list[bytes], plan: _Plan, after: bytes) -> int:
    """How many records from the first are line records each followed by at most one
    comment record, ending right before a line record or the trailer: any other record
    after them (a comment, an unknown or broken record, the end of the buffer) may still be
    followed by something the exact reader gives to the last line, so that line and its
    comment go the exact way."""
    main, comment = plan.main_b, plan.comment_b
    n = len(types)
    kinds = set(types)
    notes = _positions(types, comment) if comment in kinds else []
    if not (
        kinds <= {main, comment}
        and (not notes or notes[0] > 0)
        and all(map(lt, map((1).__add__, notes), notes[1:]))
    ):  # not only lines each with at most one comment: found record by record
        previous = None
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


def _positions(items: list[bytes], value: bytes | None) -> list[int]:
    """Where ``value`` is in ``items`` (searched at C speed: comments are few)."""
    found: list[int] = []
    at = -1
    index = items.index
    try:
        while True:
            at = index(value, at + 1)  # type: ignore[arg-type]
            found.append(at)
    except ValueError:
        return found
