"""NDJSON validation in blocks: the same issues as the exact path, at a fraction of its cost.

The file is read in blocks of :data:`BLOCK` lines. Header, totals and any block in which
something is doubtful go through the exact reader (:func:`read_ndjson_lines`, resumed where
the last block left it) and the rule engine, line by line. A run of ``{"Prestatie": ...}``
lines is first decoded as a block (one msgspec call, :mod:`resv_edi.rules.json_columns`)
and checked by columns (:mod:`resv_edi.rules.blocks`): when it is certainly clean, only its
counts, sums and reference rows go to the engine, so the cross-line rules (R001-R004, R025)
see every line either way.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import IO

from resv_edi.errors import Issue
from resv_edi.formats.json.ndjson import ReadState, read_ndjson_lines
from resv_edi.model.messages import DECLARATIE, Entry
from resv_edi.rules.block_check import BlockCheck
from resv_edi.rules.blocks import CleanRun, clean_run, typed_columns
from resv_edi.rules.json_columns import WRAPPED, decode, raw_columns, unwrap

BLOCK = 2048
_LINE_START = b'{"' + DECLARATIE.line_element.encode() + b'":'


class NdjsonCheck(BlockCheck):
    """Issues of the NDJSON message at ``path`` (iterate once); ``lines`` counts its lines."""

    def _body(self, fh: IO[bytes], name: str) -> Iterator[Entry | Issue | CleanRun]:
        at = ReadState()
        max_len = self.limits.max_line_length
        readline = fh.readline
        while True:
            block: list[bytes] = []
            for _ in range(BLOCK):
                raw = readline(max_len + 1)
                if not raw:
                    break
                block.append(raw)
            final = len(block) < BLOCK
            pos = 0
            while pos < len(block):
                run = _run_length(block, pos) if self._fast(at) else 0
                clean = self._clean(block[pos : pos + run], at) if run else None
                if clean is not None:
                    yield clean
                    at.number += run
                    at.lines += run
                    at.empty = False
                else:  # one line the exact way (then maybe a block again), or the whole run
                    run = run or 1
                    piece = io.BytesIO(b"".join(block[pos : pos + run]))
                    if not (
                        yield from read_ndjson_lines(piece, self.kind, name, self.limits, at, False)
                    ):
                        return
                pos += run
            if final:
                end = io.BytesIO(b"")
                yield from read_ndjson_lines(end, self.kind, name, self.limits, at, True)
                return

    def _fast(self, at: ReadState) -> bool:
        """Whether the lines from ``at`` on may be checked as a block."""
        return self.block_allowed() and at.state == 1 and at.current is DECLARATIE

    def _clean(self, lines: list[bytes], at: ReadState) -> CleanRun | None:
        """The counts of ``lines`` when they certainly hold no issue, else ``None``."""
        cap = self.limits.max_records
        if cap and at.lines + len(lines) > cap:
            return None
        joined = b",".join(lines)
        wrapped = decode(WRAPPED, joined)
        if wrapped is None or len(wrapped) != len(lines):
            return None  # not one {"Prestatie": {...}} a line, with values the block can judge
        raw = raw_columns(list(map(unwrap, wrapped)), joined, len(wrapped))
        columns = None if raw is None else typed_columns(raw[0], distinct_values=raw[1])
        if columns is None or not self.clean_lines(columns):
            return None
        first = at.number + 1
        lines_at = range(first, first + len(lines))
        return clean_run(columns, at.lines + 1, lines_at, f"/{DECLARATIE.element('line')}")


def _run_length(block: list[bytes], start: int) -> int:
    """How many lines of ``block`` from ``start`` on look like whole Prestatie lines."""
    for n in range(start, len(block)):
        raw = block[n]
        if not (raw.startswith(_LINE_START) and raw.endswith(b"\n")):
            return n - start
    return len(block) - start
