"""NDJSON validation in blocks: the same issues as the exact path, at a fraction of its cost.

The file is read in chunks of :data:`CHUNK` bytes. The whole lines of a chunk of
``{"Prestatie": ...}`` lines are decoded as one block, straight from the chunk (one msgspec
call, :mod:`resv_edi.rules.json_columns`), and checked by columns
(:mod:`resv_edi.rules.blocks`); any other chunk is split into lines, and its runs of
Prestatie lines (at most :data:`BLOCK`) are decoded and checked as blocks, a doubtful run
halved until its doubtful lines are found. Header, totals and those lines go through the
exact reader (:func:`read_ndjson_lines`, resumed where the last block left it) and the rule
engine, line by line. Of a clean block only its counts, sums and reference columns go to the
engine, so the cross-line rules (R001-R004, R025) see every line either way.
"""

from __future__ import annotations

import io
from collections.abc import Generator, Iterator
from itertools import repeat
from typing import IO

import msgspec

from resv_edi.errors import Issue
from resv_edi.formats.json.ndjson import ReadState, read_ndjson_lines
from resv_edi.model.messages import DECLARATIE, Entry
from resv_edi.rules.block_check import BlockCheck
from resv_edi.rules.blocks import CleanRun, clean_run, typed_columns
from resv_edi.rules.json_columns import (
    WRAPPED,
    WRAPPED_LINES,
    RawColumns,
    decode,
    raw_columns,
    unwrap,
)

BLOCK = 2048
SMALL = 8  # a doubtful run of at most this many lines is read the exact way
DENSE = 256  # a doubtful run up to this long whose first half is not clean: not halved again
#: bytes read at once; a chunk of whole Prestatie lines is decoded and checked as one block
#: (256 KiB measured 10-15 % faster, but lowers the peak memory of a small file so far that
#: the 1 M / 10 k lines peak RSS ratio of ``validate`` rose from 1.16 to 1.26: kept 512 KiB)
CHUNK = 1 << 19
_LINE_START = b'{"' + DECLARATIE.line_element.encode() + b'":'
_NEXT_LINE_START = b"\n" + _LINE_START


class NdjsonCheck(BlockCheck):
    """Issues of the NDJSON message at ``path`` (iterate once); ``lines`` counts its lines."""

    def _body(self, fh: IO[bytes], name: str) -> Iterator[Entry | Issue | CleanRun]:
        at = ReadState()
        for chunk, end, tail in _chunks(fh, self.limits.max_line_length):
            tried = bool(end) and self._fast(at)
            clean = self._clean_chunk(chunk, end, at) if tried else None
            if clean is not None:
                yield clean
                self._advance(at, clean.count)
            elif end:
                lines = chunk[: end - 1].split(b"\n")
                if not (yield from self._lines(lines, name, at, tried)):
                    return
            if tail is not None:
                if (yield from self._exact(tail, name, at, False)):
                    yield from self._exact(b"", name, at, True)
                return

    def _lines(
        self, lines: list[bytes], name: str, at: ReadState, tried: bool = False
    ) -> Generator[Entry | Issue | CleanRun, None, bool]:
        """The items of ``lines`` (without their newlines), in blocks of at most
        :data:`BLOCK` lines: runs of whole Prestatie lines as blocks when clean, the rest the
        exact way. ``tried``: the lines were just found doubtful as one block (a run of all
        of them is halved at once). Returns False when the exact reader ended the read."""
        for start in range(0, len(lines), BLOCK):
            block = lines[start : start + BLOCK]
            starts = list(map(bytes.startswith, block, repeat(_LINE_START)))
            pos = 0
            while pos < len(block):
                run = _run_length(starts, pos) if self._fast(at) else 0
                again = tried and run == len(lines)  # the same lines, the same answer
                clean = self._clean(block[pos : pos + run], at) if run and not again else None
                if clean is not None:
                    yield clean
                    self._advance(at, run)
                elif not (yield from self._explain(block[pos : pos + (run or 1)], name, at)):
                    return False
                pos += run or 1
        return True

    def _explain(
        self, lines: list[bytes], name: str, at: ReadState
    ) -> Generator[Entry | Issue | CleanRun, None, bool]:
        """The items of doubtful ``lines`` (one line, or a run of Prestatie lines that is not
        clean as a whole): clean halves as blocks, the rest the exact way (each half judged
        when the lines before it are done). A first half that is not clean is halved again
        only when the run is longer than :data:`DENSE` (dense errors: halving further would
        cost more than it saves); a run of at most :data:`SMALL` lines goes the exact way.
        Returns False when the exact reader ended the read (a limit)."""
        if len(lines) <= SMALL or not self._fast(at):
            return (yield from self._exact(b"\n".join(lines) + b"\n", name, at, False))
        half = len(lines) // 2
        first = self._clean(lines[:half], at)
        if first is not None:
            yield first
            self._advance(at, half)
        elif len(lines) > DENSE:
            if not (yield from self._explain(lines[:half], name, at)):
                return False
        elif not (yield from self._exact(b"\n".join(lines[:half]) + b"\n", name, at, False)):
            return False
        second = self._clean(lines[half:], at) if self._fast(at) else None
        if second is None:
            return (yield from self._explain(lines[half:], name, at))
        yield second
        self._advance(at, len(lines) - half)
        return True

    @staticmethod
    def _advance(at: ReadState, n: int) -> None:
        """``at`` after ``n`` clean Prestatie lines."""
        at.number += n
        at.lines += n
        at.empty = False

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

    def _clean_chunk(self, chunk: bytes, end: int, at: ReadState) -> CleanRun | None:
        """The counts of the whole lines ``chunk[:end]`` when they certainly hold no issue,
        else ``None``; decoded at once, straight from the chunk (``decode_lines``: no copy),
        each line as one value. Every newline but the last is followed by
        ``{"Prestatie":`` (counted), so none lies inside a value: inside a text a newline is
        no JSON, and between an object's members or after a colon a ``{`` is no key nor a
        scalar (no field holds an object but the line's own); each line thus holds whole
        values, at least one, and ``n`` values in ``n`` lines is one a line (two values on a
        line, which ``decode_lines`` takes as it takes any white space between values, make
        one too many). Without the count, a line split where white space may stand, plus
        two values on another line, or a blank line, would pass."""
        last = chunk.rfind(b"\n", 0, end - 1) + 1
        if not (chunk.startswith(_LINE_START) and chunk.startswith(_LINE_START, last)):
            return None  # the header's or the totals' chunk: not decoded in vain
        n = chunk.count(b"\n", 0, end)
        if self._over_cap(at, n) or chunk.count(_NEXT_LINE_START, 0, end) != n - 1:
            return None
        try:
            wrapped = WRAPPED_LINES.decode_lines(memoryview(chunk)[:end])
        except (msgspec.DecodeError, RecursionError):
            return None
        if len(wrapped) != n:
            return None  # not one {"Prestatie": {...}} a line, with values the block can judge
        raw = raw_columns(list(map(unwrap, wrapped)), chunk, n, end)
        del wrapped  # the structs and their copies of one-value columns: freed before the checks
        return self._run(raw, at, n)

    def _clean(self, lines: list[bytes], at: ReadState) -> CleanRun | None:
        """The counts of ``lines`` when they certainly hold no issue, else ``None``."""
        if self._over_cap(at, len(lines)):
            return None
        joined = b",".join(lines)
        wrapped = decode(WRAPPED, joined)
        if wrapped is None or len(wrapped) != len(lines):
            return None  # not one {"Prestatie": {...}} a line, with values the block can judge
        raw = raw_columns(list(map(unwrap, wrapped)), joined, len(wrapped))
        del wrapped
        return self._run(raw, at, len(lines))

    def _over_cap(self, at: ReadState, n: int) -> bool:
        """Whether ``n`` more lines pass the records limit (the exact reader stops there)."""
        cap = self.limits.max_records
        return bool(cap) and at.lines + n > cap

    def _run(self, raw: RawColumns | None, at: ReadState, n: int) -> CleanRun | None:
        """The clean run of ``n`` lines from ``at`` with the decoded columns ``raw``, or
        ``None`` when anything in them is doubtful."""
        columns = (
            None if raw is None else typed_columns(raw[0], distinct_values=raw[1], decoded=True)
        )
        if columns is None or not self.clean_lines(columns):
            return None
        first = at.number + 1
        return clean_run(
            columns, at.lines + 1, range(first, first + n), f"/{DECLARATIE.element('line')}"
        )


def _chunks(fh: IO[bytes], max_len: int) -> Iterator[tuple[bytes, int, bytes | None]]:
    """The file read in chunks of about :data:`CHUNK` bytes: each as ``(chunk, end, tail)``,
    where ``chunk[:end]`` are whole lines (each with its newline, none longer than
    ``max_len`` bytes without it) and ``tail``, with the last one, the bytes the exact reader
    reads last (else ``None``): a last line without a newline (``b""`` when there is none),
    or everything from a line longer than ``max_len`` bytes on (the exact reader stops
    there). A file read through a buffer that can seek (a file by path, the parts of
    ``validate --split``, bytes in memory) is read again from the start of a chunk's
    unfinished line (a seek back, not a copy of the next chunk: a new half-megabyte buffer
    costs its pages' first touches); any other stream keeps the copy (a compressed stream
    may say it can seek, but would decompress again from its start)."""
    seekable = isinstance(fh, io.BufferedReader | io.BytesIO) and fh.seekable()
    rest = b""
    while data := fh.read(CHUNK):
        chunk = rest + data if rest else data
        end = chunk.rfind(b"\n") + 1
        if end > max_len + 1:  # a line may be too long
            lines = chunk[: end - 1].split(b"\n")
            if max(map(len, lines)) > max_len:
                long = next(n for n, line in enumerate(lines) if len(line) > max_len)
                cut = sum(map(len, lines[:long])) + long
                yield chunk, cut, chunk[cut:]
                return
        unfinished = len(chunk) - end
        if unfinished > max_len:
            yield chunk, end, chunk[end:]
            return
        if end and unfinished and seekable:
            fh.seek(-unfinished, io.SEEK_CUR)
            rest = b""
        else:
            rest = chunk[end:]
        if end:
            yield chunk, end, None
    yield rest, 0, rest


def _run_length(starts: list[bool], start: int) -> int:
    """How many lines from ``start`` on look like whole Prestatie lines (``starts``: each
    line of the block starts like one)."""
    try:
        return starts.index(False, start) - start
    except ValueError:
        return len(starts) - start
