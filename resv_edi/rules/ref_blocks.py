"""A clean block's reference columns: what the reference index keeps of its lines, as columns
instead of a row tuple per line.

A clean block's lines are numbered consecutively and their places follow a pattern (one path,
or a path with the line's number in it; consecutive source lines), so the index keeps the
columns it asks about (references, amounts, plans, regions), the offsets and credited
references of its few credits, and rebuilds the row of a line only when an answer may name it
(:func:`block_rows`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import compress, repeat
from operator import eq
from typing import Any, NamedTuple

from resv_edi.rules.references import RowValues

#: a path with the line's index in it: ``before + str(index + offset) + after``
PathPattern = tuple[str, int, str]


class RefBlock(NamedTuple):
    """The reference columns of a clean block (kept as a plain tuple when spilled)."""

    first: int  # the index of its first line within the message
    size: int  # its number of lines
    #: the source lines: the first one's (the others follow it), each line's, or None (JSON)
    lines: int | list[int | None] | None
    path: str | PathPattern | list[str]  # one path, a pattern, or each line's
    refs: list[str]
    credits: list[int]  # the offsets of its credits (DebetCredit C), in order
    credited: list[str | None]  # the reference each of them credits
    amounts: list[int]
    plans: str | list[str]  # one ResvPlan for every line, or each line's
    regions: str | list[str]  # likewise the Werkgebied


def ref_block(
    first: int,
    lines: Sequence[int | None] | None,
    paths: str | PathPattern | Iterable[str],
    refs: Sequence[str],
    signs: Sequence[str],
    previous: Sequence[str | None],
    amounts: Sequence[int],
    plans: Sequence[str],
    regions: Sequence[str],
) -> RefBlock:
    """The :class:`RefBlock` of a clean block's columns (each in line order; ``signs`` the
    DebetCredit codes, ``previous`` the VorigReferentienummer column)."""
    n = len(refs)
    credits = list(compress(range(n), map(eq, signs, repeat("C")))) if "C" in signs else []
    return RefBlock(
        first,
        n,
        _lines(lines, n),
        _paths(paths, n),
        _listed(refs),
        credits,
        [previous[i] for i in credits],
        _listed(amounts),
        _one_or_all(plans, n),
        _one_or_all(regions, n),
    )


def _listed(column: Sequence[Any]) -> list[Any]:
    return column if type(column) is list else list(column)


def _one_or_all(column: Sequence[str], n: int) -> str | list[str]:
    """The column's one value when every line holds it, else the column."""
    if n and list(column).count(column[0]) == n:
        return column[0]
    return _listed(column)


def _lines(lines: Sequence[int | None] | None, n: int) -> int | list[int | None] | None:
    if lines is None or not n:
        return None
    start = lines[0]
    if start is None:
        return None if list(lines).count(None) == n else _listed(lines)
    if isinstance(lines, range) and lines.step == 1:
        return start
    listed = _listed(lines)
    return start if listed == list(range(start, start + n)) else listed


def _paths(paths: str | PathPattern | Iterable[str], n: int) -> str | PathPattern | list[str]:
    if isinstance(paths, str):
        return paths
    if isinstance(paths, tuple) and len(paths) == 3 and isinstance(paths[1], int):
        return paths
    listed = list(paths)
    if listed and listed.count(listed[0]) == n:
        return listed[0]
    return listed


def block_rows(
    block: Sequence[Any],
    offsets: Sequence[int] | None = None,
    keys: Sequence[int] | None = None,
) -> list[RowValues]:
    """The reference rows of a block's lines at ``offsets`` (ascending; all when ``None``),
    as the exact path files them but without the compared values' text: ``keys`` a hash of
    each one's (:func:`~resv_edi.rules.fact_log.line_keys`), else ``None`` (the index looks
    the text up by line, :mod:`~resv_edi.rules.fact_log`)."""
    first, size, lines, path, refs, credits, credited, amounts, plans, regions = block
    at = range(size) if offsets is None else offsets
    count = len(at)
    previous = dict(zip(credits, credited, strict=True))
    indices = [first + k for k in at]
    if lines is None:
        line: Iterable[int | None] = repeat(None, count)
    elif isinstance(lines, int):
        line = [lines + k for k in at]
    else:
        line = map(lines.__getitem__, at)
    if isinstance(path, str):
        where: Iterable[str] = repeat(path, count)
    elif isinstance(path, tuple):
        before, shift, after = path
        where = [f"{before}{index + shift}{after}" for index in indices]
    else:
        where = map(path.__getitem__, at)
    return list(
        zip(
            indices,
            line,
            where,
            map(refs.__getitem__, at),
            map(previous.get, at),
            [k not in previous for k in at] if previous else repeat(True, count),
            map(amounts.__getitem__, at),
            repeat(plans, count) if isinstance(plans, str) else map(plans.__getitem__, at),
            repeat(regions, count) if isinstance(regions, str) else map(regions.__getitem__, at),
            repeat(None, count) if keys is None else keys,
            strict=True,
        )
    )


def plan_regions(block: Sequence[Any]) -> Iterable[tuple[str, str]]:
    """The distinct (ResvPlan, Werkgebied) pairs of a block's lines."""
    plans, regions, n = block[8], block[9], block[1]
    if isinstance(plans, str) and isinstance(regions, str):
        return [(plans, regions)] if n else []
    one = repeat(plans, n) if isinstance(plans, str) else plans
    other = repeat(regions, n) if isinstance(regions, str) else regions
    return dict.fromkeys(zip(one, other, strict=True))
