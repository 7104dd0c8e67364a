"""JSON document validation in blocks: the same issues as the exact path, at a fraction of its
cost.

The document is read in the exact reader's chunks, through its guard
(:func:`~resv_edi.formats.json.document.guarded_stream`), so a refused byte is refused at the
same place. The canonical shape ``{"Declaratiebericht": {"Header": {...}, "Prestaties": [...],
"Totalen": {...}}}`` is found on the bytes; header and totals go through the exact reader's
record step (:func:`~resv_edi.formats.json.document.read_json_record`). The lines array is cut
at element boundaries (a cut is only accepted when ``[`` + the bytes + ``]`` decode, which is
never so inside a string or a nested value), decoded a block at a time with msgspec into typed
structs and checked as columns (:mod:`resv_edi.rules.blocks`). A doubtful block is halved
until its doubtful lines go through the exact record step one by one.

Anything else (another shape, a syntax error, a limit, a refused byte) sends the document to
the exact reader, read again from its start; the items already handed out (header, lines up
to the last one done) are skipped there, so the answer is the exact path's by construction.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO, Any, BinaryIO, cast

import msgspec

from resv_edi.collection import uncollected
from resv_edi.errors import Issue
from resv_edi.formats.json.document import (
    RecordRefused,
    every_window_holds,
    guarded_stream,
    read_json,
    read_json_record,
)
from resv_edi.model.messages import DECLARATIE, Entry, Part
from resv_edi.rules.block_check import BlockCheck
from resv_edi.rules.blocks import CleanRun, clean_run, typed_columns
from resv_edi.rules.json_columns import LINES, decode, raw_columns

BLOCK = 2048  # lines checked as one block
SMALL = 8  # a doubtful block of at most this many lines is read line by line
DENSE = 256  # a doubtful run up to this long with no clean half is read line by line
READ = 1 << 16  # the exact reader's chunk (ijson's buffer size)
GATHER = 1 << 18  # bytes of lines gathered, cut and decoded as one block: a smaller block
# keeps more of its objects in a core's L2 cache through the column passes (cachegrind with a
# 512 KiB L2: 420 misses a line with 1 MiB blocks, 300 with 256 KiB, for 2 % more instructions)
MAX_EDGE = 1 << 20  # the header or the totals (with what surrounds them) in at most this
MAX_LINE = 1 << 23  # a line (object of the lines array) longer than this goes the exact way

_WS = rb"[ \t\n\r]*"
_ROOT = DECLARATIE.root.encode()
_TOP = re.compile(
    _WS + rb"\{" + _WS + b'"' + _ROOT + b'"' + _WS + b":" + _WS + rb"\{" + _WS
    + b'"' + DECLARATIE.header_element.encode() + b'"' + _WS + b":" + _WS
    + rb"(\{[^{}\[\]]*\})" + _WS + b"," + _WS
    + b'"' + DECLARATIE.lines_element.encode() + b'"' + _WS + b":" + _WS + rb"\["
)  # fmt: skip
_END = re.compile(
    _WS + b"," + _WS + b'"' + DECLARATIE.totals_element.encode() + b'"' + _WS + b":" + _WS
    + rb"(\{[^{}\[\]]*\})" + _WS + rb"\}" + _WS + rb"\}" + _WS
)  # fmt: skip
_AFTER_LINE = re.compile(_WS + rb"[,\]]")
_CLOSE = ord("]")
_RAWS = msgspec.json.Decoder(list[msgspec.Raw])


class _Doubt(Exception):
    """The rest of the document goes the exact way."""


class JsonCheck(BlockCheck):
    """Issues of the JSON document at ``path`` (iterate once); ``lines`` counts its lines."""

    _done = -1  # what was handed out: -1 nothing, 0 the header, n lines 1..n

    def _body(self, fh: IO[bytes], name: str) -> Iterator[Entry | Issue | CleanRun]:
        start = fh.tell() if fh.seekable() else None
        if start is not None and self.kind in (None, DECLARATIE) and self.limits.max_depth >= 2:
            try:
                yield from self._blocks(fh)
                return
            except _Doubt:
                fh.seek(start)
        exact = read_json(cast(BinaryIO, fh), self.kind, file=name, limits=self.limits)
        yield from self._after_done(exact)

    def _after_done(self, items: Iterator[Entry | Issue]) -> Iterator[Entry | Issue]:
        """``items`` (the exact reader's) after those already handed out."""
        done = self._done
        passed = done < 0
        for item in items:
            if passed:
                yield item
            elif isinstance(item, Entry) and (
                (item.part == "header" and done == 0)
                or (item.part == "line" and item.index == done)
            ):
                passed = True

    def _blocks(self, fh: IO[bytes]) -> Iterator[Entry | Issue | CleanRun]:
        """The items of a document of the canonical shape; raises :class:`_Doubt` (after
        the items handed out so far) where it is not, or where the exact reader stops."""
        stream = guarded_stream(fh, self.limits)
        if stream is None:
            raise _Doubt
        reader = _Chunks(stream)
        header = reader.match(_TOP)
        root = f"/{DECLARATIE.root}"
        yield from self._record(header, "header", f"{root}/{DECLARATIE.header_element}", 0)
        self._done = 0
        pointer = f"{root}/{DECLARATIE.lines_element}"
        index = 0  # lines so far
        closed = reader.skip_empty_array()
        while not closed:
            with uncollected():
                typed = reader.typed(self.limits.max_field_length) if self._fast() else None
                clean = None
                if typed is not None:  # the lines gathered, decoded at once: clean, or explained
                    clean = self._clean_lines(typed[0], typed[1], index + 1, pointer, 0)
            if typed is not None:
                lines, joined, closed = typed
                if clean is not None:
                    yield clean
                    index += len(lines)
                    self._done = index
                    continue
                raws = _RAWS.decode(b"[" + joined + b"]")
            else:
                raws, closed = reader.lines()
            for at in range(0, len(raws), BLOCK):
                run = raws[at : at + BLOCK]
                yield from self._run(run, index + 1, pointer)
                index += len(run)
        last = reader.match(_END, whole=True)
        totals = f"{root}/{DECLARATIE.totals_element}"
        yield from self._record(last, "totals", totals, 0)

    def _record(self, raw: bytes, part: Part, pointer: str, index: int) -> list[Entry | Issue]:
        """The exact reader's items for one record; a refusal ends the block path."""
        try:
            return read_json_record(raw, DECLARATIE, part, pointer, index, self.name, self.limits)
        except RecordRefused:
            raise _Doubt from None

    def _run(
        self, raws: list[msgspec.Raw], first: int, pointer: str
    ) -> Iterator[Entry | Issue | CleanRun]:
        """The items of lines ``first``.. (their bytes ``raws``): a clean run, or explained."""
        cap = self.limits.max_records
        if cap and first + len(raws) - 1 > cap:
            raise _Doubt  # the exact reader stops at the line past the cap (L001)
        clean = self._clean(raws, first, pointer) if self._fast() else None
        if clean is not None:
            yield clean
            self._done = first + len(raws) - 1
        else:
            yield from self._explain(raws, first, pointer)

    def _explain(
        self, raws: list[msgspec.Raw], first: int, pointer: str
    ) -> Iterator[Entry | Issue | CleanRun]:
        """The items of doubtful lines: clean halves as runs, the rest line by line. When
        neither half of a short run is clean, its lines go line by line at once (dense
        errors: halving further would cost more than it saves)."""
        if len(raws) > SMALL and self._fast():
            half = len(raws) // 2
            parts = ((raws[:half], first), (raws[half:], first + half))
            cleans = [self._clean(part, at, pointer) for part, at in parts]
            if any(cleans) or len(raws) > DENSE:
                for (part, at), clean in zip(parts, cleans, strict=True):
                    if clean is None:
                        yield from self._explain(part, at, pointer)
                    else:
                        yield clean
                        self._done = at + len(part) - 1
                return
        for n, raw in enumerate(raws, start=first):
            yield from self._record(bytes(raw), "line", f"{pointer}/{n - 1}", n)
            self._done = n

    def _fast(self) -> bool:
        """Whether lines may be checked as a block now (:meth:`BlockCheck.block_allowed`)."""
        return self.block_allowed()

    def _clean(self, raws: list[msgspec.Raw], first: int, pointer: str) -> CleanRun | None:
        """The counts of the lines ``raws`` when they certainly hold no issue, else ``None``."""
        joined = b",".join(raws)
        lines = decode(LINES, joined)
        if lines is None:
            return None  # wrong JSON types, unknown keys, not an object: the exact way
        return self._clean_lines(lines, joined, first, pointer, max(map(len, raws)))

    def _clean_lines(
        self, lines: list[Any], joined: bytes, first: int, pointer: str, longest: int
    ) -> CleanRun | None:
        """The counts of the decoded ``lines`` (their bytes ``joined``, the longest of them
        ``longest`` bytes) when they certainly hold no issue, else ``None``."""
        n = len(lines)
        cap = self.limits.max_records
        if cap and first + n - 1 > cap:
            return None  # the exact reader stops at the line past the cap (L001)
        if not joined.isascii():
            try:
                joined.decode()
            except UnicodeDecodeError:
                return None
        if longest > self.limits.max_field_length:
            return None  # a string the exact reader may refuse as too long
        raw = raw_columns(lines, joined, 0)
        columns = (
            None if raw is None else typed_columns(raw[0], distinct_values=raw[1], decoded=True)
        )
        if columns is None or not self.clean_lines(columns):
            return None
        return clean_run(columns, first, None, (f"{pointer}/", -1, ""))


class _Chunks:
    """The guarded stream, read in the exact reader's chunks, consumed from the front. The
    buffer's first byte is a ``[`` that stays: the lines up to a cut are decoded where they
    lie, as ``[`` + lines + ``]`` (the byte after the cut is ``]`` for the while), with no
    copy of the block for the decode."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._buf = bytearray(b"[")
        self._eof = False

    def _more(self) -> bool:
        """Read one more chunk; False at the end. A refused chunk ends the block path."""
        data = self._read()
        if data:
            self._buf += data
        return bool(data)

    def _read(self) -> bytes:
        """The next chunk (``b""`` at the end); a refused chunk ends the block path."""
        if self._eof:
            return b""
        try:
            data = self._stream.read(READ)
        except ValueError:  # the guard refused a byte (a limit, a lone surrogate)
            raise _Doubt from None
        if not data:
            self._eof = True
        return data

    def _gather(self) -> None:
        """Read on until :data:`GATHER` bytes are buffered, or the end."""
        while len(self._buf) <= GATHER and self._more():
            pass

    def match(self, pattern: re.Pattern[bytes], whole: bool = False) -> bytes:
        """Group 1 of ``pattern`` at the front (all of the rest of the input when ``whole``),
        the match consumed."""
        buf = self._buf
        while True:
            if not whole:
                found = pattern.match(buf, 1)
                if found is not None:
                    group = found.group(1)
                    del buf[1 : found.end()]
                    return group
            elif self._eof:
                found = pattern.fullmatch(buf, 1)
                if found is None:
                    raise _Doubt
                group = found.group(1)
                del buf[1:]
                return group
            if len(buf) - 1 > MAX_EDGE or (not self._more() and not whole):
                raise _Doubt

    def skip_empty_array(self) -> bool:
        """Whether the lines array is empty (its ``]`` then consumed)."""
        buf = self._buf
        while not buf[1:].strip() and self._more():
            pass
        stripped = buf[1:].lstrip(b" \t\n\r")
        if stripped.startswith(b"]"):
            del buf[1 : len(buf) - len(stripped) + 1]
            return True
        return False

    def typed(self, max_field: int) -> tuple[list[Any], bytes, bool] | None:
        """The next lines of the array decoded into structs at once, their bytes, and whether
        the array ended after them; ``None`` (nothing consumed) when the bytes up to the last
        ``}`` that may end a line do not decode so, or a physical line is longer than
        ``max_field`` (a string never holds a raw newline, so none is then longer): then
        :meth:`lines` finds the lines."""
        self._gather()
        buf = self._buf
        cut = buf.rfind(b"}", 1)
        after = _AFTER_LINE.match(buf, cut + 1) if cut > 0 else None
        if after is None:
            return None
        if (
            cut > max_field
            and not every_window_holds(buf, b"\n", max(1, (max_field + 1) // 2), 1, cut + 1)
            and max(map(len, buf[1 : cut + 1].split(b"\n"))) > max_field
        ):
            return None  # a line longer than max_field, found by the split
        end = after.end()
        closed = buf[end - 1] == _CLOSE
        kept = buf[cut + 1]
        buf[cut + 1] = _CLOSE
        try:
            with memoryview(buf) as view, view[: cut + 2] as block:
                lines = LINES.decode(block)
                body = block[1:-1].tobytes()
        except (msgspec.DecodeError, RecursionError):
            return None
        finally:
            buf[cut + 1] = kept
        del buf[1:end]
        return lines, body, closed

    def lines(self) -> tuple[list[msgspec.Raw], bool]:
        """The next lines of the array (their bytes), and whether the array ended after them."""
        self._gather()
        buf = self._buf
        end = len(buf)
        failed = 0
        while failed < 2:
            cut = buf.rfind(b"}", 1, end)
            if cut < 0:
                break
            end = cut
            after = _AFTER_LINE.match(buf, cut + 1)
            if after is None:
                continue  # the '}' of a string, or the input ends right after it
            try:
                raws = _RAWS.decode(bytes(buf[: cut + 1]) + b"]")
            except (msgspec.DecodeError, RecursionError):
                failed += 1  # a '}' in a string, or broken JSON: one more try, then exact
                continue
            closed = buf[after.end() - 1] == _CLOSE
            del buf[1 : after.end()]
            return raws, closed
        if not failed and len(buf) - 1 < MAX_LINE and self._more():
            return [], False  # a line longer than what was gathered: gather more
        raise _Doubt  # no line ends here: broken JSON, or a value that is not an object
