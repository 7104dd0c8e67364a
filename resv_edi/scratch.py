"""Private working files (reference indexes, spooled inputs, unpacked members) and the
leftovers of runs that were killed.

Every working file or folder is made here, in the temporary folder, with a name that says
which process owns it: ``resv-edi-<kind>-<pid>-<random><suffix>``. A run that is killed
cannot remove its own; the next run on the machine does: the first time a process makes a
working file of a kind, it removes the ones whose owning process is gone.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

PREFIX = "resv-edi-"
_OWNED = re.compile(r"resv-edi-(?P<kind>[a-z]+)-(?P<pid>[0-9]+)-")
_swept: set[tuple[str, str]] = set()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # another user's process: alive
        return True
    return True


def sweep(kind: str, directory: str | None = None) -> list[str]:
    """Remove the working files and folders of ``kind`` left by processes that are gone;
    the names removed."""
    folder = directory or tempfile.gettempdir()
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        found = _OWNED.match(entry.name)
        if found is None or found["kind"] != kind or _alive(int(found["pid"])):
            continue
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path)
            else:
                os.unlink(entry.path)
            removed.append(entry.name)
    return removed


def _prefix(kind: str, directory: str | None) -> str:
    key = (kind, directory or tempfile.gettempdir())
    if key not in _swept:
        _swept.add(key)
        sweep(kind, directory)
    return f"{PREFIX}{kind}-{os.getpid()}-"


def scratch_file(kind: str, suffix: str = "", directory: str | None = None) -> str:
    """A new, empty private file (mode 0600) of ``kind``; the caller removes it."""
    fd, path = tempfile.mkstemp(prefix=_prefix(kind, directory), suffix=suffix, dir=directory)
    os.close(fd)
    return path


@contextlib.contextmanager
def scratch_folder(kind: str) -> Iterator[Path]:
    """A private folder (mode 0700) of ``kind``, removed with its content afterwards."""
    with tempfile.TemporaryDirectory(prefix=_prefix(kind, None)) as folder:
        yield Path(folder)
