"""The elements a credit must repeat from its debit (R035), of the lines of clean blocks, kept
by block as columns of distinct texts: the reference index files only a hash of each line's
values and builds a line's text (``str`` of the values' tuple, as the exact path keeps it)
for the few credits and debits whose hashes it cannot compare or finds different.

Blocks are held in memory until the index spills; then they are appended to one file as one
record per spill, and a line's block is read back (a few records cached) when asked for.
"""

from __future__ import annotations

import marshal
import sys
from array import array
from bisect import bisect_right
from collections.abc import Iterable, Iterator, Sequence
from itertools import repeat
from operator import eq
from typing import IO, Any

#: per column: its values (``raw``: each line's own value, of types whose text is their
#: ``repr``, or the one value of every line; else the distinct values' texts) and, for texts,
#: each line's number in them (4-byte unsigned integers, machine order) or ``None`` when the
#: column holds one value in the block
Encoded = list[tuple[list[Any], bytes | None, bool]]
#: a clean block's compared values: its first line's index, its line count, its columns
FactBlock = tuple[int, int, Encoded]
_RAW = frozenset({str, int, type(None)})  # kept as they are (marshal's own types)

_CACHED = 8  # records read back and kept
#: the marshal format written: 4 writes short ASCII texts (references, codes) as they are,
#: where 2 encodes each one to UTF-8 first (a third faster to write, as fast to read)
MARSHAL = 4


def encode(
    columns: Sequence[Sequence[Any]], distinct: Sequence[Sequence[Any] | None] | None = None
) -> Encoded:
    """A block's compared columns: texts, numbers and ``None`` as they are, other values (dates)
    as the ``repr`` of each distinct value (``str`` when there is one column: the exact path
    then keeps the value, not a tuple). ``distinct``: per column, its distinct values when
    known (then the column itself is not scanned), or ``None``."""
    show = str if len(columns) == 1 else repr
    encoded: Encoded = []
    for place, values in enumerate(columns):
        column = values if type(values) is list else list(values)  # kept, not copied
        known = None if distinct is None else distinct[place]
        if known is not None and len(known) == 1:
            one = known[0]
            raw = type(one) in _RAW
            encoded.append(([one] if raw else [show(one)], None, raw))
            continue
        if known is not None and _RAW.issuperset(map(type, known)):
            encoded.append((column, None, True))
            continue
        if known is None and column and column.count(column[0]) == len(column):  # one value
            if type(column[0]) in _RAW:
                encoded.append(([column[0]], None, True))
            else:
                encoded.append(([show(column[0])], None, False))
            continue
        if known is None and _RAW.issuperset(map(type, column)):
            encoded.append((column, None, True))
            continue
        distinct_values = dict.fromkeys(column if known is None else known)
        if len(distinct_values) == 1:
            encoded.append(([show(column[0])], None, False))
            continue
        number = {value: at for at, value in enumerate(distinct_values)}
        codes = array("I", map(number.__getitem__, column)).tobytes()
        encoded.append(([show(value) for value in distinct_values], codes, False))
    return encoded


def line_text(encoded: Encoded, at: int) -> str:
    """The text of the ``at``-th line of a block, as ``str`` of its values' tuple."""
    show = str if len(encoded) == 1 else repr
    items = []
    for values, codes, raw in encoded:
        if raw:
            items.append(show(values[at] if len(values) > 1 else values[0]))
        elif codes is None:
            items.append(values[0])
        else:
            items.append(values[int.from_bytes(codes[4 * at : 4 * at + 4], sys.byteorder)])
    if len(items) == 1:
        return items[0]
    return "(" + ", ".join(items) + ")"


class FactLog:
    """The compared values of clean blocks, by line index (blocks added in line order)."""

    def __init__(self) -> None:
        self._held: list[FactBlock] = []
        self._records: list[tuple[int, int]] = []  # each spilled record's first index, offset
        self._path: str | None = None
        self._sink: IO[bytes] | None = None
        self._cache: dict[int, tuple[list[int], list[FactBlock]]] = {}

    def add(self, block: FactBlock) -> None:
        self._held.append(block)

    def spill(self, path: str) -> None:
        """Append the held blocks to the file at ``path`` as one record."""
        if not self._held:
            return
        if self._sink is None:
            self._path = path
            self._sink = open(path, "ab")  # noqa: SIM115  (closed by finish/close)
        data = marshal.dumps(self._held, MARSHAL)
        self._records.append((self._held[0][0], self._sink.tell()))
        self._sink.write(len(data).to_bytes(8, "little"))
        self._sink.write(data)
        self._held = []

    def finish(self) -> None:
        """Done adding: what was written can be read back."""
        if self._sink is not None:
            self._sink.close()
            self._sink = None

    def text(self, index: int) -> str:
        """The text of the line with this index (a line of a clean block)."""
        firsts, blocks = self._around(index)
        return _find(blocks, firsts, index)

    def at(self, first: int) -> FactBlock | None:
        """The block whose first line's index is ``first``, if kept (read back by its
        record: a few blocks asked for read only their records)."""
        firsts, blocks = self._around(first)
        at = bisect_right(firsts, first) - 1
        return blocks[at] if at >= 0 and firsts[at] == first else None

    def _around(self, index: int) -> tuple[list[int], list[FactBlock]]:
        """The first lines and the blocks of the record that may hold line ``index``."""
        held = self._held
        if held and index >= held[0][0]:
            return [b[0] for b in held], held
        at = bisect_right(self._records, (index, sys.maxsize)) - 1
        if at < 0:
            return [], []
        cached = self._cache.get(at)
        if cached is None:
            cached = self._cache[at] = self._read(self._records[at][1])
            if len(self._cache) > _CACHED:
                del self._cache[next(iter(self._cache))]
        return cached

    def _read(self, offset: int) -> tuple[list[int], list[FactBlock]]:
        assert self._path is not None
        self.finish()
        with open(self._path, "rb") as fh:
            fh.seek(offset)
            size = int.from_bytes(fh.read(8), "little")
            blocks: list[FactBlock] = marshal.loads(fh.read(size))
        return [b[0] for b in blocks], blocks

    def blocks(self) -> Iterator[FactBlock]:
        """Every block added, in order (the spilled ones read back one record at a time)."""
        for _, offset in self._records:
            yield from self._read(offset)[1]
        yield from self._held

    def close(self) -> None:
        self.finish()
        self._held = []
        self._cache = {}


def _find(blocks: list[FactBlock], firsts: list[int], index: int) -> str:
    at = bisect_right(firsts, index) - 1
    if at >= 0:
        first, count, encoded = blocks[at]
        if index < first + count:
            return line_text(encoded, index - first)
    raise LookupError(f"no compared values kept for line {index}")


def line_keys(encoded: Encoded, offsets: Sequence[int]) -> list[int]:
    """A hash of the compared values of each line of a block at ``offsets``, comparable
    across blocks: equal values give equal hashes (a text, number or ``None`` itself, another
    value's text marked as one: ``(None, text)``; a column of dates and ``None`` may be kept
    either way, then equal values may differ in hash), so lines whose hashes differ are
    compared by their texts. As with the hash of the values (:func:`with_texts`), equal
    hashes are taken for equal values."""
    items: list[Iterable[Any]] = []
    count = len(offsets)
    for values, codes, raw in encoded:
        if raw:
            one = len(values) == 1
            items.append(repeat(values[0], count) if one else map(values.__getitem__, offsets))
        elif codes is None:
            items.append(repeat((None, values[0]), count))
        else:
            marked = [(None, value) for value in values]
            numbers = array("I")
            numbers.frombytes(codes)
            items.append(map(marked.__getitem__, map(numbers.__getitem__, offsets)))
    return list(map(hash, zip(*items, strict=True)))


def with_texts(rows: Sequence[tuple[Any, ...]], block: FactBlock | None) -> list[tuple[Any, ...]]:
    """``rows`` (reference rows) with each hash of compared values replaced by their text from
    ``block``, as the exact path files them."""
    if block is None:
        return list(rows)
    first, _, encoded = block
    return [
        row if isinstance(row[9], str) else (*row[:9], line_text(encoded, row[0] - first))
        for row in rows
    ]


def same_values(
    one: Encoded, at_one: Sequence[int], other: Encoded, at_other: Sequence[int]
) -> list[bool]:
    """For each pair of lines (``at_one[k]`` of a block whose compared values are ``one``,
    ``at_other[k]`` of one whose are ``other``): whether their values are the same as
    :func:`line_keys` gives them (a text, number or ``None`` itself, another value's text
    marked), so equal here means equal keys. A column holding one value in both blocks is
    compared once; only the others are compared line by line (a text column by the texts'
    numbers when both blocks number the same texts alike)."""
    count = len(at_one)
    left: list[Iterable[Any]] = []
    right: list[Iterable[Any]] = []
    for (values, codes, raw), (their_values, their_codes, their_raw) in zip(
        one, other, strict=True
    ):
        if raw is not their_raw:  # a value and a marked text: never the same
            return [False] * count
        single = len(values) == 1 if raw else codes is None
        their_single = len(their_values) == 1 if raw else their_codes is None
        if single and their_single:
            if values[0] != their_values[0]:
                return [False] * count
            continue
        if codes is not None and their_codes is not None and values == their_values:
            left.append(map(memoryview(codes).cast("I").__getitem__, at_one))  # (by number)
            right.append(map(memoryview(their_codes).cast("I").__getitem__, at_other))
            continue
        left.append(_items(values, codes, single, at_one))
        right.append(_items(their_values, their_codes, their_single, at_other))
    if not left:
        return [True] * count
    return list(map(eq, zip(*left, strict=True), zip(*right, strict=True)))


def _items(
    values: list[Any], codes: bytes | None, single: bool, at: Sequence[int]
) -> Iterable[Any]:
    """The values (a text column's texts) of a column at the lines ``at``."""
    if single:
        return repeat(values[0], len(at))
    if codes is None:
        return map(values.__getitem__, at)
    return map(values.__getitem__, map(memoryview(codes).cast("I").__getitem__, at))
