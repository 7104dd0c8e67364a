"""Inputs that can be read only once (a FIFO, ``/dev/stdin``, a character device).

Finding the format of an input reads its first bytes, and a claim file's layout is read from
its header before the records: a regular file is simply opened again, but a pipe would lose
those bytes. Such an input is therefore copied once, as it streams in, into a private
working file (never more than ``limits.max_file_size`` bytes), and everything reads that.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
from collections.abc import Iterator

from resv_edi.errors import UnsafeInputError
from resv_edi.limits import Limits
from resv_edi.scratch import scratch_file

_CHUNK = 1024 * 1024


def reads_once(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` exists and is not a regular file or a folder (a pipe, a device)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not (stat.S_ISREG(mode) or stat.S_ISDIR(mode))


@contextlib.contextmanager
def readable_again(path: str | os.PathLike[str], limits: Limits) -> Iterator[str]:
    """A path that can be opened as often as needed: ``path`` itself, or for an input that
    reads once a private copy of it (removed afterwards). Raises :class:`UnsafeInputError`
    when the input passes ``limits.max_file_size``."""
    if not reads_once(path):
        yield os.fspath(path)
        return
    copy = scratch_file("input", _suffix(path))
    try:
        with open(path, "rb") as src, open(copy, "wb") as out:
            _copy_bounded(src, out, limits.max_file_size)
        yield copy
    finally:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(copy)


def _copy_bounded(src: object, out: object, limit: int) -> None:
    if not limit:
        shutil.copyfileobj(src, out, _CHUNK)  # type: ignore[arg-type]
        return
    left = limit
    while chunk := src.read(min(_CHUNK, left + 1)):  # type: ignore[attr-defined]
        left -= len(chunk)
        if left < 0:
            raise UnsafeInputError(
                f"input is not a regular file and passed the file size limit of {limit} bytes"
            )
        out.write(chunk)  # type: ignore[attr-defined]


def _suffix(path: str | os.PathLike[str]) -> str:
    suffix = os.path.splitext(os.fspath(path))[1].lower()
    return suffix if suffix[1:].isalnum() and len(suffix) <= 9 else ""
