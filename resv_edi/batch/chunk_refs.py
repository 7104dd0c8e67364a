"""What the lines of one chunk give the reference index, kept for the parent.

A chunk of a file (:mod:`resv_edi.batch.split`) is checked by its format's block check with a
rule engine whose reference index is a :class:`ChunkRefs`: it answers nothing, but keeps what
the engine adds (the exact path's rows, the clean runs' :class:`RefBlock` columns and their
compared values) in order, each line at its true source line. The parent adds them to the
file's one :class:`PartitionedIndex` with the lines' index within the message moved by the
lines of the earlier chunks (:func:`add_kept`), in the order the one-piece run adds them.

The chunk does not hold them: every :data:`RECORD_LINES` lines it writes what it kept as one
record to its ``sink``, as the index writes its spill files (a file in the run's private
folder; in one process a ``BytesIO``), and the parent reads the records back one at a time
(:func:`records`), so neither side holds more than a record and the index's own bounded part.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, Any, overload

from resv_edi.rules.fact_log import FactBlock
from resv_edi.rules.ref_blocks import RefBlock
from resv_edi.rules.ref_partitions import PartitionedIndex, append_record, appended_records
from resv_edi.rules.references import RowValues

#: one addition to the index: ``(rows, facts)`` of the exact path or ``(block, facts)``
Kept = tuple[list[RowValues] | RefBlock, FactBlock | None]

#: the lines (rows and blocks' lines) a record holds at least, but the last: the memory of
#: chunk and parent is bounded by about one record, a few MiB
RECORD_LINES = 16_384


class ChunkRefs(PartitionedIndex):
    """Keeps the rows and blocks a chunk's engine adds (source lines moved by ``delta``);
    answers no cross-line rule (the parent does, over the whole file)."""

    def __init__(self, delta: int, sink: IO[bytes]) -> None:
        super().__init__()
        self.delta = delta
        self.kept: list[Kept] = []  # not yet written to ``sink``
        self.sink = sink
        self._lines = 0  # in ``kept``

    def flush(self) -> None:
        """Write what is kept as one record to the sink (nothing when nothing is kept)."""
        if self.kept:
            append_record(
                [(tuple(a) if isinstance(a, RefBlock) else a, f) for a, f in self.kept], self.sink
            )
            self.kept = []
            self._lines = 0

    def _added(self, lines: int) -> None:
        self._lines += lines
        if self._lines >= RECORD_LINES:
            self.flush()

    def add_rows(self, rows: list[RowValues], facts: FactBlock | None = None) -> None:
        delta = self.delta
        moved: list[RowValues] = [
            row if row[1] is None or not delta else (row[0], row[1] + delta, *row[2:])
            for row in rows
        ]
        kept = self.kept
        last = kept[-1][0] if kept and kept[-1][1] is None else None
        if facts is None and isinstance(last, list):
            last.extend(moved)  # the exact path adds its lines one by one
        else:
            kept.append((moved, facts))
        self._added(len(moved))

    def add_block(self, block: RefBlock, facts: FactBlock | None = None) -> None:
        lines = block.lines
        if self.delta and lines is not None:
            if isinstance(lines, int):
                lines = lines + self.delta
            else:
                lines = [None if line is None else line + self.delta for line in lines]
            block = block._replace(lines=lines)
        self.kept.append((block, facts))
        self._added(block.size)

    def duplicates(self) -> Iterator[Any]:
        return iter(())

    def credit_problems(self) -> Iterator[Any]:
        return iter(())

    def credit_differences(self) -> Iterator[Any]:
        return iter(())

    def region_conflicts(self) -> Iterator[Any]:
        return iter(())


def records(source: IO[bytes]) -> Iterator[list[Kept]]:
    """The records :meth:`ChunkRefs.flush` wrote to ``source``, one at a time, in order (as
    the index's own spill files: :func:`~resv_edi.rules.ref_partitions.append_record`)."""
    for record in appended_records(source):
        yield [(a if isinstance(a, list) else RefBlock(*a), f) for a, f in record]


def add_kept(index: PartitionedIndex, kept: list[Kept], offset: int, indexed: str) -> None:
    """Add a chunk's ``kept`` rows and blocks to ``index``, each line's index within the
    message moved by ``offset`` (and the ``[n]`` of an XPath that starts with ``indexed``)."""
    for added, facts in kept:
        moved_facts = None if facts is None else (facts[0] + offset, facts[1], facts[2])
        if isinstance(added, RefBlock):
            path = added.path
            if isinstance(path, list):
                path = [_moved_path(p, offset, indexed) for p in path]
            elif isinstance(path, str):
                path = _moved_path(path, offset, indexed)
            index.add_block(added._replace(first=added.first + offset, path=path), moved_facts)
        elif offset:
            rows: list[RowValues] = [
                (row[0] + offset, row[1], _moved_path(row[2], offset, indexed), *row[3:])
                for row in added
            ]
            index.add_rows(rows, moved_facts)
        else:
            index.add_rows(added, moved_facts)


@overload
def _moved_path(path: str, offset: int, indexed: str) -> str: ...
@overload
def _moved_path(path: str | None, offset: int, indexed: str) -> str | None: ...
def _moved_path(path: str | None, offset: int, indexed: str) -> str | None:
    """``path`` with the line's position (``…/Prestatie[n]``) moved by ``offset``."""
    if not offset or path is None or not path.startswith(indexed):
        return path
    close = path.index("]", len(indexed))
    return f"{indexed}{int(path[len(indexed) : close]) + offset}{path[close:]}"
