"""Is a file a zip archive? Told by its first bytes, without loading the archive reader."""

from __future__ import annotations

import os

#: the signatures a zip file starts with (local file, empty archive, spanned archive)
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")


def is_archive(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a zip file (by its first bytes; ``.zip`` names an empty one)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return head.startswith(ZIP_MAGIC) or (not head and os.fspath(path).lower().endswith(".zip"))
