"""The text values the block checks found valid (and free of a possible BSN) in earlier blocks.

A text field's distinct values repeat across blocks (descriptions, agreements, parties), so
most of a block's values were validated by the field's type and screened by the BSN guard
before. A :class:`FieldMemo` keeps them, by field and validation context: a block validates
and screens only its values not kept yet (:meth:`FieldMemo.fresh`), and a block whose texts
hold no possible BSN keeps its new values (:meth:`FieldMemo.add`). Validity under a context
and the BSN screen's answer are facts of the value alone, so the memo is a cache like
``functools.lru_cache``: it never changes an answer, only what is looked at again.

A memo is bounded (:data:`LIMIT` values: then it starts afresh), and a field whose values do
not repeat (references: every block's are new) rests: after :data:`CHECK` values looked up
with fewer than one in :data:`RARE` found, it is not looked up for the next :data:`REST`
values, so such a field costs nearly nothing.
"""

from __future__ import annotations

from collections.abc import Hashable
from itertools import filterfalse
from typing import Any

LIMIT = 16_384  # values kept per field and context
CHECK = 4_096  # values looked up after which a field's repeats are judged
RARE = 64  # fewer than one in this many found: the field's values do not repeat
REST = 16 * LIMIT  # values of a field without repeats not looked up


class FieldMemo:
    """The values of one field found valid unchanged (and, for a field the BSN guard screens,
    without a possible BSN), under one validation context."""

    __slots__ = ("found", "known", "looked", "resting")

    def __init__(self) -> None:
        self.known: set[Any] = set()
        self.looked = 0  # values looked up since the last judgement
        self.found = 0  # of which known
        self.resting = 0  # values still not to be looked up

    def fresh(self, values: list[Any]) -> list[Any] | None:
        """``values`` not known (in their order), or ``None`` while the memo rests (all of
        them are then to be validated and screened, and none is kept)."""
        if self.resting > 0:
            self.resting -= len(values)
            return None
        fresh = list(filterfalse(self.known.__contains__, values))
        self.looked += len(values)
        self.found += len(values) - len(fresh)
        return fresh

    def add(self, values: list[Any]) -> None:
        """Keep ``values``: found valid unchanged, and without a possible BSN."""
        known = self.known
        if self.looked >= CHECK:
            rare = self.found * RARE < self.looked
            self.looked = self.found = 0
            if rare:
                known.clear()
                self.resting = REST
                return
        if len(known) + len(values) > LIMIT:
            known.clear()
        known.update(values)


_MEMOS: dict[tuple[str, Hashable], FieldMemo] = {}


def field_memo(attr: str, context: dict[str, Any] | None) -> FieldMemo | None:
    """The memo of field ``attr`` under validation ``context`` (``None`` when the context
    cannot be told apart by its items)."""
    try:
        key: tuple[str, Hashable] = (attr, None if context is None else frozenset(context.items()))
        memo = _MEMOS.get(key)
    except TypeError:  # a context with unhashable values
        return None
    if memo is None:
        memo = _MEMOS.setdefault(key, FieldMemo())
    return memo


def forget() -> None:
    """Drop every memo (tests; a changed standard or model)."""
    _MEMOS.clear()
