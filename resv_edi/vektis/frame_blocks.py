"""Records framed by columns: a run of records that the framing scanner passes without an
issue, as one :class:`FrameBlock` (their bodies and types), not one ``Frame`` each.

The record order is the scanner's own check (``FrameScanner._check_order``), learnt once per
(order state, record type) and then looked up: :class:`OrderSteps` numbers the states the
order can be in (the open chain of parent records, the role of the record before) and keeps,
per state, the state each record type leads to, or that it leads to an issue (then the block
ends before that record and the scanner frames it the exact way).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import compress, pairwise, repeat
from operator import eq
from typing import Any

from resv_edi.vektis.layout import FieldSpec, Layout, RecordLayout

#: one step of the open chain: record type, its last child type, counts of capped children
Step = tuple[str, str | None, tuple[tuple[str, int], ...]]
#: the order state: the open chain and the role of the record before
State = tuple[tuple[Step, ...], str | None]
#: the scanner's check of one record after (open chain, previous role): the chain and role
#: after it, ``None`` when the record has an issue there
Check = Callable[
    [list[list[Any]], str | None, RecordLayout], "tuple[list[list[Any]], str | None] | None"
]

_ENDS = ("header", "trailer")


@dataclass(slots=True)
class FrameBlock:
    """Detail records in a row from :attr:`first_line` on, each of the layout's record
    length, known, in order and counted by the scanner: no framing issue. Only their bytes
    (without the line end) and two-byte types are kept; fields are sliced by the caller."""

    first_line: int
    bodies: list[bytes]
    types: list[bytes]
    layout: Layout

    def __len__(self) -> int:
        return len(self.bodies)

    def parts(self, size: int) -> list[FrameBlock]:
        """The block in consecutive blocks of at most ``size`` records (itself when it holds
        no more), so that a reader keeps few records' values at a time."""
        n = len(self.bodies)
        if n <= size:
            return [self]
        count = -(-n // size)  # as many parts as needed, of sizes that differ by one at most
        cuts = [n * i // count for i in range(count + 1)]
        return [
            FrameBlock(
                self.first_line + begin, self.bodies[begin:end], self.types[begin:end], self.layout
            )
            for begin, end in pairwise(cuts)
        ]

    def by_type(self) -> dict[str, list[int]]:
        """Record type -> positions (0-based, in order) of its records in the block, the
        types in the order they first come."""
        types = self.types
        distinct = list(dict.fromkeys(types))
        if len(distinct) == 1:
            return {distinct[0].decode("latin-1"): list(range(len(types)))}
        return {
            rtype.decode("latin-1"): list(
                compress(range(len(types)), map(eq, types, repeat(rtype)))
            )
            for rtype in distinct
        }

    def joined(self, ats: Sequence[int] | None = None) -> str:
        """The records (at positions ``ats``; default all) in one text, decoded as latin-1."""
        bodies = self.bodies if ats is None else [self.bodies[at] for at in ats]
        return b"".join(bodies).decode("latin-1")

    def split(self, text: str) -> list[str]:
        """The records of a :meth:`joined` text one by one."""
        length = self.layout.record_length
        return [text[i : i + length] for i in range(0, len(text), length)]

    def lines(self, ats: Sequence[int]) -> list[int]:
        """The 1-based line numbers of the records at positions ``ats``."""
        first = self.first_line
        return [first + at for at in ats]

    def columns(self, ats: Sequence[int], fields: Sequence[FieldSpec]) -> list[list[bytes]]:
        """The raw bytes of ``fields`` (of one record type) in the records at ``ats``: one
        list per field; nothing else of the records is sliced."""
        bodies = self.bodies if len(ats) == len(self.bodies) else [self.bodies[at] for at in ats]
        out = []
        for f in fields:
            begin = f.start - 1
            end = begin + f.length
            out.append([body[begin:end] for body in bodies])
        return out


class OrderSteps:
    """The order states of one layout as small numbers, and the step per record type."""

    def __init__(self, layout: Layout, check: Check) -> None:
        self.layout = layout
        self.check = check
        self.capped = frozenset(t for t, r in layout.records.items() if r.max_per_parent)
        self.ids: dict[State, int] = {}
        self.states: list[State] = []
        #: per state number: record type (bytes) -> next state number, -1: an issue or no
        #: detail record (the scanner frames it the exact way)
        self.steps: list[dict[bytes, int]] = []

    def number(self, chain: list[list[Any]], prev_role: str | None) -> int:
        """The number of the state with open ``chain`` and ``prev_role``."""
        capped = self.capped
        frozen = tuple(
            (step[0], step[1], tuple(sorted((t, n) for t, n in step[2].items() if t in capped)))
            for step in chain
        )
        return self._number((frozen, prev_role))

    def _number(self, state: State) -> int:
        sid = self.ids.get(state)
        if sid is None:
            sid = self.ids[state] = len(self.states)
            self.states.append(state)
            self.steps.append({})
        return sid

    def chain(self, sid: int) -> tuple[list[list[Any]], str | None]:
        """The open chain and previous role of state ``sid``, as the scanner keeps them."""
        frozen, prev_role = self.states[sid]
        return [[t, last, dict(counts)] for t, last, counts in frozen], prev_role

    def walk(self, sid: int, types: Sequence[bytes], at: int) -> tuple[int, int]:
        """(how many of ``types`` from ``at`` on are in order, the state after them)."""
        steps = self.steps
        taken = 0
        for rtype in types[at:] if at else types:
            nxt = steps[sid].get(rtype)
            if nxt is None:
                nxt = self._learn(sid, rtype)
            if nxt < 0:
                break
            sid = nxt
            taken += 1
        return taken, sid

    def _learn(self, sid: int, rtype: bytes) -> int:
        rl = self.layout.records.get(rtype.decode("latin-1"))
        nxt = -1
        if rl is not None and rl.role not in _ENDS and rl.parent is not None:
            after = self.check(*self.chain(sid), rl)
            if after is not None:
                nxt = self.number(*after)
        self.steps[sid][rtype] = nxt
        return nxt
