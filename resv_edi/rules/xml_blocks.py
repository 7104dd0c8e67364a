"""XML validation in blocks: the same issues as the exact path, at a fraction of its cost.

The exact XML reader (:func:`~resv_edi.formats.xml.reader.read_xml`) reads the document as
always, through a :class:`~resv_edi.formats.xml.line_scan.LineScan`: that finds runs of
``<Prestatie>`` lines written in the canonical shape just before the parser would read them and
offers them here. A run whose columns are certainly clean (:mod:`resv_edi.rules.blocks`) is
counted as a :class:`~resv_edi.rules.blocks.CleanRun` and the parser reads a comment of the
same lines instead; any other run, and everything that is not a canonical line (header,
totals, comments, attributes, unknown elements, broken XML), is read and explained by the
exact reader, at its own place. So the cross-line rules (R001-R004, R025) see every line
either way, and every issue keeps its line, column and XPath.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import IO, BinaryIO, cast

from resv_edi.errors import Issue
from resv_edi.formats.xml import line_scan
from resv_edi.formats.xml.line_scan import LineRun
from resv_edi.formats.xml.reader import ReadProgress, read_xml
from resv_edi.model.messages import Entry
from resv_edi.rules.block_check import BlockCheck
from resv_edi.rules.blocks import CleanRun, alias_columns, clean_run

#: most lines of clean runs held before the reader must give an item (one line is then read
#: exactly): memory stays flat although a valid file's lines give no items
HELD_LINES = 8192

#: the depth of a line's fields: under a lower ``--max-depth`` every line is read exactly
_FIELD_DEPTH = 4


class XmlCheck(BlockCheck):
    """Issues of the XML message at ``path`` (iterate once); ``lines`` counts its lines."""

    def _body(self, fh: IO[bytes], name: str) -> Iterator[Entry | Issue | CleanRun]:
        counted: list[CleanRun] = []  # runs the parser passed, until the reader's next item
        held = [0]  # lines in them

        def judge(run: LineRun, progress: ReadProgress) -> bool:
            found = self._clean(run, progress)
            if found is not None:
                counted.append(found)
                held[0] += found.count
            return found is not None

        def ready() -> bool:  # a valid file gives no item between header and totals
            return held[0] < HELD_LINES

        # an undefined entity puts the parser in a state that depends on how it was fed
        plain = fh.seekable() and line_scan.plain_references(fh)
        scan = line_scan.line_scan(judge, line_scan.BLOCK, ready) if plain else None
        stream = cast(BinaryIO, fh)
        for item in read_xml(stream, self.kind, file=name, limits=self.limits, line_filter=scan):
            if counted:  # runs the parser passed before this item
                yield from counted
                counted.clear()
                held[0] = 0
            yield item
        yield from counted

    def _clean(self, run: LineRun, progress: ReadProgress) -> CleanRun | None:
        """The counts of ``run`` when its lines certainly hold no issue, else ``None``."""
        limits = self.limits
        if not self.block_allowed() or progress.state != 1 or limits.max_depth < _FIELD_DEPTH:
            return None
        n = len(run)
        if limits.max_records and progress.lines + n > limits.max_records:
            return None
        if run.longest > limits.max_field_length and any(
            value is not None and len(value) > limits.max_field_length
            for column in run.columns.values()
            for value in column
        ):
            return None
        columns = alias_columns(run.columns, n, None)
        if columns is None or not self.clean_lines(columns):
            return None
        kind = progress.kind
        first = progress.lines + 1
        path = f"/{kind.root}/{kind.lines_element}/{kind.line_element}["
        return clean_run(columns, first, run.lines, (path, 0, "]"))
