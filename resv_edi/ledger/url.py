"""Ledger URLs: a file path or ``sqlite:///path`` for SQLite, ``postgresql://...`` for
PostgreSQL. Parsed once into a :class:`LedgerUrl` that can print itself without a password."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

from resv_edi.ledger.errors import LedgerError

_SQLITE = "sqlite:///"
_POSTGRES = ("postgresql://", "postgres://", "postgresql+psycopg://")


@dataclass(frozen=True, slots=True)
class LedgerUrl:
    dialect: str  # "sqlite" | "postgresql"
    target: str  # a file path (sqlite) or a libpq connection URI (postgresql)

    def __str__(self) -> str:
        """The URL as it may be shown: a password is replaced by ``***``."""
        if self.dialect == "sqlite":
            return self.target
        parts = urlsplit(self.target)
        if parts.password is None:
            return self.target
        netloc = re.sub(r":[^:@]*@", ":***@", parts.netloc, count=1)
        return urlunsplit(parts._replace(netloc=netloc))


def parse_url(url: str) -> LedgerUrl:
    """Read ``url``: ``path/to/ledger.db``, ``sqlite:///relative.db``, ``sqlite:////abs.db``
    or ``postgresql://user:password@host:port/db?host=/socket/dir``."""
    text = url.strip()
    if not text:
        raise LedgerError("no ledger URL given")
    if text.startswith(_SQLITE):
        path = text[len(_SQLITE) :]
        if not path:
            raise LedgerError(f"no file in {url!r}")
        return LedgerUrl("sqlite", path)
    for prefix in _POSTGRES:
        if text.startswith(prefix):
            return LedgerUrl("postgresql", "postgresql://" + text[len(prefix) :])
    if re.match(r"^[a-z][a-z0-9+.-]*://", text):
        raise LedgerError(
            f"unsupported ledger URL {text.split('://')[0]}://... (use a file path, "
            "sqlite:///path or postgresql://...)"
        )
    return LedgerUrl("sqlite", text)
