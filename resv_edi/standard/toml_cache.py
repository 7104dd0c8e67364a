"""The standard's TOML files, parsed once per content and kept in the user's cache.

Parsing the files every command reads (``standard.toml``, the rule catalogue and wording, the
code lists) with the pure-Python ``tomllib`` took about a tenth of the start-up of ``resv-edi
validate``. :func:`load_toml` keys a cached copy by the SHA-256 of the file's bytes (a
changed file is parsed again, whatever its time stamps say) and keeps it as ``marshal``
data, with the dates noted apart (marshal has no dates), in ``$XDG_CACHE_HOME/resv-edi/toml``
(default ``~/.cache``): a private folder, and a cached file is read only when it is the
user's own and nobody else may write it. Whenever the cache cannot be read or written, the
file is simply parsed: the answer is always what ``tomllib.load`` gives.

>>> load_toml(mappings_dir() / "standard.toml")["standard"]["version"]  # doctest: +SKIP
'1.1'
"""

from __future__ import annotations

import contextlib
import hashlib
import marshal
import os
import stat
import sys
from datetime import date
from pathlib import Path
from typing import Any

#: bump when the cached layout changes; marshal's own format follows the Python version
_FORMAT = f"1-{sys.version_info[0]}.{sys.version_info[1]}-{marshal.version}".encode()
#: the types tomllib returns that marshal keeps as they are (dates are noted apart)
_PLAIN = (str, int, float, bool, type(None))

Where = tuple[str | int, ...]


def cache_dir() -> Path:
    """Where cached files live: ``$XDG_CACHE_HOME/resv-edi/toml``, else ``~/.cache/...``."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "resv-edi" / "toml"


def load_toml(path: Path) -> dict[str, Any]:
    """``tomllib.load`` of ``path``, from the cache when this content was parsed before."""
    data = path.read_bytes()
    cached = cache_dir() / f"{hashlib.sha256(_FORMAT + data).hexdigest()}.marshal"
    found = _read(cached)
    if found is not None:
        return found
    import tomllib  # only on a cache miss: importing and running it is the cost saved

    parsed = tomllib.loads(data.decode("utf-8"))
    _write(cached, parsed)
    return parsed


def _read(cached: Path) -> dict[str, Any] | None:
    try:
        with open(cached, "rb") as fh:
            info = os.fstat(fh.fileno())
            if info.st_uid != os.getuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
                return None
            value, dates = marshal.load(fh)
    except (OSError, EOFError, ValueError, TypeError):
        return None
    if not isinstance(value, dict) or not isinstance(dates, list):
        return None
    try:
        for where, ordinal in dates:
            _put(value, where, date.fromordinal(ordinal))
    except (KeyError, IndexError, TypeError, ValueError):
        return None
    return value


def _write(cached: Path, value: dict[str, Any]) -> None:
    """Keep ``value`` (atomically: a private temporary file renamed into place); nothing
    when it holds a type the cache does not keep, or the folder cannot be written."""
    dates: list[tuple[Where, int]] = []
    if not _note_dates(value, (), dates):
        return
    plain = _without_dates(value)
    temporary = cached.with_name(f".{cached.name}.{os.getpid()}.part")
    try:
        cached.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            marshal.dump((plain, dates), fh)
        os.replace(temporary, cached)
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(temporary)


def _note_dates(value: Any, where: Where, dates: list[tuple[Where, int]]) -> bool:
    """Note where ``value`` holds dates; False when it holds a type the cache does not keep
    (a time or a date-time)."""
    if isinstance(value, dict):
        return all(_note_dates(v, (*where, k), dates) for k, v in value.items())
    if isinstance(value, list):
        return all(_note_dates(v, (*where, i), dates) for i, v in enumerate(value))
    if type(value) is date:
        dates.append((where, value.toordinal()))
        return True
    return isinstance(value, _PLAIN)


def _without_dates(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_dates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_without_dates(v) for v in value]
    return None if type(value) is date else value


def _put(value: Any, where: Where, item: date) -> None:
    for key in where[:-1]:
        value = value[key]
    value[where[-1]] = item
