"""Where an output may go, and how it is written so that it never clobbers what it should not.

* ``-`` is standard output, written as a stream.
* An existing FIFO, character device or socket (``/dev/null``, a named pipe), and a path
  that names an open descriptor (``/dev/stdout`` is a link to ``/proc/self/fd/1``, even when
  standard output is a regular file), is opened and written as a stream, never replaced:
  renaming a file over ``/dev/stdout`` would put a regular file in ``/dev``.
* Anything else is a regular file, written to a temporary file in its folder and renamed
  over it only when the whole output was written; a planted symbolic link at the target is
  replaced, never followed (the rename replaces the link itself).
* A target that is a directory, or whose folder is (under) an existing file, is refused with
  :class:`OutputPathError` before anything is written; the command line turns it into exit
  code 2 with its message.
"""

from __future__ import annotations

import contextlib
import os
import stat
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from resv_edi.errors import ResvEdiError

STDOUT = "-"
#: where a path names an open descriptor: /dev/stdout is a link to /proc/self/fd/1
_DESCRIPTORS = ("/proc/", "/dev/fd/")


class OutputPathError(ResvEdiError):
    """An output path that cannot be written: a directory, or a folder that is a file."""


def is_stream_target(target: str | os.PathLike[str]) -> bool:
    """True when ``target`` is written as a stream, never replaced (see the module)."""
    name = os.fspath(target)
    if name == STDOUT:
        return True
    try:
        st = os.stat(name)
    except OSError:
        return False
    if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode) or stat.S_ISSOCK(st.st_mode):
        return True
    return _names_a_descriptor(name)


def _names_a_descriptor(name: str) -> bool:
    """Whether ``name``, or a link on the way to what it names, is a descriptor path (its
    real path is then the file the descriptor has open, which must not be replaced)."""
    current = os.path.abspath(name)
    for _ in range(40):  # a bound on links followed, as the kernel has
        if current.startswith(_DESCRIPTORS):
            return True
        if not os.path.islink(current):
            return False
        target = os.readlink(current)
        current = os.path.normpath(os.path.join(os.path.dirname(current), target))
    return True


def check_target(target: str | os.PathLike[str]) -> None:
    """Refuse (:class:`OutputPathError`) a target that is a directory, or whose folder is
    (under) an existing file; a stream target is always fine."""
    if is_stream_target(target):
        return
    path = Path(target)
    if path.is_dir():
        raise OutputPathError(f"{path} is a directory, not a file / is een map, geen bestand")
    for folder in path.parents:
        if folder.exists() or folder.is_symlink():
            if not folder.is_dir():
                raise OutputPathError(
                    f"cannot write {path}: {folder} is a file, not a folder / kan niet "
                    f"schrijven: {folder} is een bestand, geen map"
                )
            return


@contextlib.contextmanager
def open_output(target: str | os.PathLike[str]) -> Iterator[IO[bytes]]:
    """A binary file for ``target``: a stream (``-``, a FIFO, a device) written as it goes,
    or a regular file that appears only if the ``with`` block succeeds."""
    check_target(target)
    if os.fspath(target) == STDOUT:
        out = sys.stdout.buffer
        yield out
        out.flush()
        return
    if is_stream_target(target):
        with open(target, "ab") as stream:  # append: /dev/stdout may be a file opened with >>
            yield stream
        return
    path = Path(target)
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # here, not at start-up: most commands write no file

    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    try:
        with os.fdopen(fd, "wb", buffering=1024 * 1024) as fh:
            yield fh
            fh.flush()
            os.fchmod(fh.fileno(), _output_mode(path))
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def _output_mode(path: Path) -> int:
    """The mode a new output gets: that of the file it replaces, else 0666 minus the umask
    (like any Unix tool; the temporary file itself stays private until the rename)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0o22)  # read the umask (and put it back at once)
        os.umask(mask)
        return 0o666 & ~mask
