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
from collections.abc import Generator, Iterator
from itertools import repeat
from typing import IO

from resv_edi.errors import Issue
from resv_edi.formats.json.ndjson import ReadState, read_ndjson_lines
from resv_edi.model.messages import DECLARATIE, Entry
from resv_edi.rules.block_check import BlockCheck
from resv_edi.rules.blocks import CleanRun, clean_run, typed_columns
from resv_edi.rules.json_columns import WRAPPED, decode, raw_columns, unwrap

BLOCK = 2048
CHUNK = 1 << 20  # bytes read at once
_LINE_START = b'{"' + DECLARATIE.line_element.encode() + b'":'


class NdjsonCheck(BlockCheck):
    """Issues of the NDJSON message at ``path`` (iterate once); ``lines`` counts its lines."""

    def _body(self, fh: IO[bytes], name: str) -> Iterator[Entry | Issue | CleanRun]:
        at = ReadState()
        for block, tail in _blocks(fh, self.limits.max_line_length):
            starts = list(map(bytes.startswith, block, repeat(_LINE_START)))
            pos = 0
            while pos < len(block):
                run = _run_length(starts, pos) if self._fast(at) else 0
                clean = self._clean(block[pos : pos + run], at) if run else None
                if clean is not None:
                    yield clean
                    at.number += run
                    at.lines += run
                    at.empty = False
                else:  # one line the exact way (then maybe a block again), or the whole run
                    run = run or 1
                    lines = b"\n".join(block[pos : pos + run]) + b"\n"
                    if not (yield from self._exact(lines, name, at, False)):
                        return
                pos += run
            if tail is not None:
                if (yield from self._exact(tail, name, at, False)):
                    yield from self._exact(b"", name, at, True)
                return

    def _exact(
        self, lines: bytes, name: str, at: ReadState, final: bool
    ) -> Generator[Entry | Issue, None, bool]:
        """The exact reader's items of ``lines`` (:func:`read_ndjson_lines`)."""
        return (
            yield from read_ndjson_lines(io.BytesIO(lines), self.kind, name, self.limits, at, final)
        )

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
        columns = (
            None if raw is None else typed_columns(raw[0], distinct_values=raw[1], decoded=True)
        )
        if columns is None or not self.clean_lines(columns):
            return None
        first = at.number + 1
        lines_at = range(first, first + len(lines))
        return clean_run(columns, at.lines + 1, lines_at, f"/{DECLARATIE.element('line')}")


def _blocks(fh: IO[bytes], max_len: int) -> Iterator[tuple[list[bytes], bytes | None]]:
    """The file's lines (without their newlines) in blocks of at most :data:`BLOCK`, read in
    chunks and split in C; with the last block, the bytes the exact reader reads last (else
    ``None``): a last line without a newline (``b""`` when there is none), or everything
    from a line longer than ``max_len`` bytes on (the exact reader stops there)."""
    rest = b""
    while True:
        data = fh.read(CHUNK)
        if not data:
            yield [], rest
            return
        buffer = rest + data if rest else data
        cut = buffer.rfind(b"\n")
        rest = buffer[cut + 1 :]
        lines = buffer[:cut].split(b"\n") if cut >= 0 else []
        tail = None
        if lines and max(map(len, lines)) > max_len:
            long = next(n for n, line in enumerate(lines) if len(line) > max_len)
            tail = buffer[sum(map(len, lines[:long])) + long :]
            del lines[long:]
        elif len(rest) > max_len:
            tail = rest
        for at in range(0, len(lines), BLOCK):
            yield lines[at : at + BLOCK], None
        if tail is not None:
            yield [], tail
            return


def _run_length(starts: list[bool], start: int) -> int:
    """How many lines from ``start`` on look like whole Prestatie lines (``starts``: each
    line of the block starts like one)."""
    try:
        return starts.index(False, start) - start
    except ValueError:
        return len(starts) - start
