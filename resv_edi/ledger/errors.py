"""What the ledger raises. The CLI turns both into exit code 2 with the message, never a
traceback; the message never holds a password from a database URL."""

from __future__ import annotations

from resv_edi.errors import ResvEdiError


class LedgerError(ResvEdiError):
    """The ledger cannot do what was asked (no schema yet, a newer schema, a bad file)."""


class LedgerUnavailable(LedgerError):
    """The database file or server cannot be reached or opened."""
