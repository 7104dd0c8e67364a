"""Credits matched to their debits while the reference index adds clean blocks.

Most credits credit a debit a few hundred lines before them, so the index keeps the last
clean blocks (at least :data:`WINDOW` lines before the newest, each with the offset of its
lines by the key of their reference) and matches each new block's credits against them at
once. A credit is *matched* when a recent line carrying the key of the reference it credits
is a debit before it, not exceeded by it, with the same compared values
(:func:`~resv_edi.rules.fact_log.same_values`: equal values give equal keys).

The index takes a matched key as settled only when, at the end, the key turns out to be
carried by one line and credited by one credit
(:func:`~resv_edi.rules.ref_partitions._needed`): that line and that credit
are then the ones matched, and the settling pass over every kept line
(:meth:`~resv_edi.rules.ref_partitions.PartitionedIndex._settle`) would settle the key the
same way, so it need not ask for it. Every other key (matched or not) is settled or answered
as before: matching only spares work, it never decides an answer.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from itertools import compress, repeat
from operator import add, and_, le, lt
from typing import NamedTuple, cast

from resv_edi.rules.fact_log import Encoded, same_values

#: lines before a block whose debits its credits are matched against (at least: whole blocks
#: are kept); 0: no matching
WINDOW = 2_048


class _Recent(NamedTuple):
    """A recent clean block: what matching asks of it."""

    first: int  # its first line's index
    lines: dict[float, int]  # the offset of the (last) debit carrying each key
    amounts: Sequence[int]
    encoded: Encoded  # its compared values


_OFFSETS: list[int] = []  # 0, 1, 2, ...: a block's offsets, made once (as many as asked)


def _offsets(size: int) -> list[int]:
    """At least ``size`` offsets, kept for the next blocks (a new list: a block being kept
    in another thread goes on with the one it took)."""
    global _OFFSETS
    _OFFSETS = list(range(max(size, 2 * len(_OFFSETS))))
    return _OFFSETS


class RecentLines:
    """The recent clean blocks (at least :data:`WINDOW` lines before the newest); matches
    each new block's credits against their debits."""

    def __init__(self) -> None:
        self._blocks: deque[_Recent] = deque()
        self._lines = 0  # in the blocks before the newest
        self._next = -1  # the index after the newest block's lines

    def add(
        self,
        first: int,
        keys: Sequence[float],
        credits: Sequence[int],
        credited: Sequence[float | None],
        amounts: Sequence[int],
        encoded: Encoded,
    ) -> list[float]:
        """Keep a clean block (``keys``: of every line's reference, in order; ``encoded``: its
        compared values) and give the keys its credits (at offsets ``credits``, crediting
        the references whose keys are ``credited``) that are matched (module docstring). A
        block that does not follow the newest one (lines between them not kept) starts
        afresh."""
        if not WINDOW:
            return []
        size = len(keys)
        blocks = self._blocks
        if first != self._next:
            blocks.clear()
            self._lines = 0
        elif blocks:
            self._lines += len(blocks[-1].amounts)
            while self._lines - len(blocks[0].amounts) >= WINDOW:
                self._lines -= len(blocks.popleft().amounts)
        self._next = first + size
        offsets = _OFFSETS if len(_OFFSETS) >= size else _offsets(size)
        lines = dict(zip(keys, offsets, strict=False))  # (the offsets may be more)
        for offset in credits:  # a credit's line is no debit (nor its key carried once)
            lines.pop(keys[offset], None)
        block = _Recent(first, lines, amounts, encoded)
        blocks.append(block)
        if not credits:
            return []
        if None in credited:  # (a credit naming none: not matched)
            named = [key is not None for key in credited]
            at = list(compress(credits, named))
            asked = cast("list[float]", list(compress(credited, named)))
        else:
            at, asked = list(credits), cast("list[float]", list(credited))
        matched: list[float] = []
        for debits in reversed(blocks):  # the newest first: most debits are close
            found = list(map(debits.lines.get, asked))
            if None not in found:
                matched.extend(_matched(block, debits, at, cast("list[int]", found), asked))
                break
            here = [line is not None for line in found]
            if any(here):
                matched.extend(
                    _matched(
                        block,
                        debits,
                        list(compress(at, here)),
                        cast("list[int]", list(compress(found, here))),
                        list(compress(asked, here)),
                    )
                )
                elsewhere = [not h for h in here]
                at, asked = list(compress(at, elsewhere)), list(compress(asked, elsewhere))
        return matched


def _matched(
    block: _Recent, debits: _Recent, at: list[int], lines: list[int], keys: list[float]
) -> list[float]:
    """Of the credits of ``block`` at offsets ``at``, crediting ``keys``, carried by the
    debits of ``debits`` at offsets ``lines``: the keys of those whose debit comes before
    them, not exceeded by them, with the same compared values."""
    before = map(lt, map(add, lines, repeat(debits.first)), map(add, at, repeat(block.first)))
    within = map(le, map(block.amounts.__getitem__, at), map(debits.amounts.__getitem__, lines))
    ok = list(map(and_, before, within))
    if not all(ok):
        at, lines = list(compress(at, ok)), list(compress(lines, ok))
        keys = list(compress(keys, ok))
        if not at:
            return []
    return list(compress(keys, same_values(block.encoded, at, debits.encoded, lines)))
