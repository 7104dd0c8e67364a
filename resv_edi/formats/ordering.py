"""The one order every writer accepts: a header, lines, then totals."""

from __future__ import annotations

from resv_edi.model.base import Record
from resv_edi.model.columns import LineBlock
from resv_edi.model.messages import MessageKind, Part


class RecordOrder:
    """Tells which part a record is and refuses records out of order (a caller's error)."""

    def __init__(self, kind: MessageKind) -> None:
        self.kind = kind
        self.state = 0
        self.lines = 0
        self._parts: dict[type[Record], Part] = {
            kind.header: "header",
            kind.line: "line",
            kind.totals: "totals",
        }

    def accept(self, record: Record) -> Part:
        part = self._parts.get(type(record))
        if part is None:
            raise TypeError(f"{type(record).__name__} is not a record of a {self.kind.root}")
        if part == "header":
            if self.state != 0:
                raise ValueError("the header must come first, once")
            self.state = 1
        elif part == "line":
            if self.state != 1:
                raise ValueError("lines must come after the header and before the totals")
            self.lines += 1
        else:
            if self.state != 1:
                raise ValueError("the totals must come once, after the lines")
            self.state = 2
        return part

    def accept_lines(self, count: int) -> None:
        """Accept ``count`` lines at once: records the caller found to be of the kind's line
        class exactly (as :meth:`accept` looks them up), in a row with nothing between."""
        if self.state != 1:
            raise ValueError("lines must come after the header and before the totals")
        self.lines += count

    def accept_block(self, block: LineBlock) -> int:
        """Accept the lines of ``block`` at once; return their count."""
        if block.cls is not self.kind.line:
            raise TypeError(f"lines of {block.cls.__name__} are not lines of a {self.kind.root}")
        if self.state != 1:
            raise ValueError("lines must come after the header and before the totals")
        count = len(block)
        self.lines += count
        return count

    def finish(self) -> None:
        if self.state != 2:
            raise ValueError("a message needs a header and totals")
