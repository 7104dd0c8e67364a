"""Opening inputs and writing outputs the same way in every format.

Inputs are paths or binary streams; outputs are written to a temporary file in the target's
folder and renamed over the target only when the whole output was written, so that a failed
conversion never leaves a half file behind.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO, TypeVar, overload

from resv_edi.errors import Issue, Location, UnsafeInputError
from resv_edi.limits import Limits
from resv_edi.output import open_output
from resv_edi.standard.catalogue import issue

T = TypeVar("T")

Source = str | os.PathLike[str] | BinaryIO

#: byte order marks of encodings no format of the standard accepts (longest first)
WIDE_BOMS = (
    (b"\xff\xfe\x00\x00", "UTF-32"),
    (b"\x00\x00\xfe\xff", "UTF-32"),
    (b"\xff\xfe", "UTF-16"),
    (b"\xfe\xff", "UTF-16"),
)


def wide_encoding(head: bytes) -> str | None:
    """``UTF-16`` or ``UTF-32`` when ``head`` starts with that byte order mark."""
    return next((name for bom, name in WIDE_BOMS if head.startswith(bom)), None)


def source_name(source: Source, file: str | None = None) -> str:
    if file:
        return file
    if isinstance(source, str | os.PathLike):
        return os.fspath(source)
    return str(getattr(source, "name", "<stream>"))


@contextlib.contextmanager
def open_source(source: Source, limits: Limits) -> Iterator[BinaryIO]:
    """Open ``source`` for binary reading; refuse files beyond ``limits.max_file_size``.

    A regular file is measured before it is read. Anything else given by path (a pipe, a
    device such as ``/dev/zero``, ``/dev/stdin``) has no size to measure, so it is counted
    while it is read and refused (``UnsafeInputError``) once it passes the limit.
    """
    if isinstance(source, str | os.PathLike):
        path = Path(source)
        with path.open("rb") as fh:
            st = os.fstat(fh.fileno())
            limit = limits.max_file_size
            if stat.S_ISREG(st.st_mode) or not limit:
                if limit and st.st_size > limit:
                    raise UnsafeInputError(
                        f"file is {st.st_size} bytes, more than the limit of {limit}"
                    )
                yield fh
            else:
                yield io.BufferedReader(_Bounded(fh, limit))
    else:
        yield source


def read_guarded(
    source: Source,
    file: str | None,
    limits: Limits,
    body: Callable[[BinaryIO, str], Iterator[T]],
) -> Iterator[T | Issue]:
    """Run a reader's ``body(stream, name)`` over ``source``, turning a refused or
    unreadable input into its coded issue (L001, F001) instead of an exception."""
    name = source_name(source, file)
    try:
        with open_source(source, limits) as fh:
            yield from body(fh, name)
    except UnsafeInputError as exc:
        yield issue("L001", Location(file=name), reason=str(exc))
    except OSError as exc:
        yield issue("F001", Location(file=name), reason=exc.strerror or str(exc))


class _Bounded(io.RawIOBase):
    """Reads ``raw`` and raises :class:`UnsafeInputError` past ``limit`` bytes."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self._raw = raw
        self._left = limit

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        data = self._raw.read(min(len(buffer), self._left + 1))
        self._left -= len(data)
        if self._left < 0:
            raise UnsafeInputError("input is not a regular file and passed the file size limit")
        buffer[: len(data)] = data
        return len(data)


class Prefixed(io.RawIOBase):
    """A stream that replays ``head`` (bytes already read to sniff the input), then ``rest``."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def atomic_output(target: str | os.PathLike[str]) -> contextlib.AbstractContextManager[IO[bytes]]:
    """A binary file that appears at ``target`` only if the ``with`` block succeeds; ``-``, a
    FIFO or a device is written as a stream instead (:mod:`resv_edi.output`)."""
    return open_output(target)


_CHUNK = 1024 * 1024
_LINE_END = re.compile(rb"\r\n|\n|\r")


#: a block reader's look at a buffer: ``runs(buf, pos)`` at the start of a line returns
#: (item, position after it) for whole lines it takes as one item, or ``None``
Runs = Callable[[bytes, int], "tuple[Any, int] | None"]


@overload
def physical_lines(
    stream: BinaryIO, max_line: int, runs: None = None
) -> Iterator[tuple[bytes, bytes, bool]]: ...


@overload
def physical_lines(stream: BinaryIO, max_line: int, runs: Runs) -> Iterator[Any]: ...


def physical_lines(stream: BinaryIO, max_line: int, runs: Runs | None = None) -> Iterator[Any]:
    """(body, line ending, overlong) for every line of a binary stream; the ending is CR LF,
    LF, CR or ``b""`` at the end of the file. A line longer than ``max_line`` is cut
    (overlong=True) and the rest of it skipped, so that memory stays bounded.

    ``runs`` (a block reader) is asked at the start of every line whether it takes the
    lines from there as one item: then that item is yielded in their place and the split
    goes on after them, exactly where it would have been (the lines are the same ones)."""
    buf = b""
    skipping = False
    search = _LINE_END.search
    while True:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        buf += chunk
        pos = 0
        while True:
            if runs is not None and not skipping:
                taken = runs(buf, pos)
                if taken is not None:
                    item, pos = taken
                    yield item
                    continue
            m = search(buf, pos)
            if m is None:
                break
            eol = m.group()
            if eol == b"\r" and m.end() == len(buf):
                break  # may be the first half of CR LF: wait for the next chunk
            if skipping:
                skipping = False
            elif m.start() - pos > max_line:
                yield buf[pos : pos + max_line + 1], eol, True
            else:
                yield buf[pos : m.start()], eol, False
            pos = m.end()
        buf = buf[pos:]
        if len(buf) > max_line:
            if not skipping:
                yield buf[: max_line + 1], b"", True
            skipping = True
            buf = b""
    if buf and not skipping:
        yield buf[: max_line + 1], b"", len(buf) > max_line
