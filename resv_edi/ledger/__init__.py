"""The receiver's ledger: received declarations, the retours answered, the agreement register,
and the rules that no single message can decide.

>>> from resv_edi.ledger import open_ledger
>>> with open_ledger("ledger.db", create=True) as ledger:
...     ledger.add_declaration("declaratie.xml")

SQLite by default (a file path or ``sqlite:///path``), PostgreSQL for a shared installation
(``postgresql://user@host/db``, needs the ``ledger`` extra: psycopg 3). Modules: ``url`` and
``db`` (the two dialects behind one small interface), ``schema`` (versioned migrations),
``ingest`` (one streamed pass over a message), ``store`` (the :class:`Ledger`), ``agreements``
(the register), ``rules`` (the cross-message rules), ``export`` and ``validation``.
"""

from __future__ import annotations

from resv_edi.ledger.errors import LedgerError, LedgerUnavailable
from resv_edi.ledger.store import AddResult, Ledger, open_ledger

__all__ = ["AddResult", "Ledger", "LedgerError", "LedgerUnavailable", "open_ledger"]
