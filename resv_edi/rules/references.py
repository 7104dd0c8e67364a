"""The reference index: rules across lines (R003 unique reference, R004/R025 credits).

Kept in a temporary SQLite file rather than in memory, so that a message of any size is
checked with flat memory: lines are appended in batches while streaming, and the cross-line
questions are asked once at the end with indexed queries.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass

from resv_edi.scratch import scratch_file

_BATCH = 20_000


@dataclass(frozen=True, slots=True)
class RefRow:
    index: int  # line number within the message (1-based)
    source_line: int | None
    path: str | None
    reference: str
    previous: str | None
    debit: bool
    amount: int


@dataclass(frozen=True, slots=True)
class Duplicate:
    row: RefRow
    first_index: int
    first_source_line: int | None


@dataclass(frozen=True, slots=True)
class CreditProblem:
    row: RefRow
    debit_amount: int | None  # None: no earlier debit found; else the debit amount exceeded
    credited: int = 0  # the credits of that debit up to and including this one


class ReferenceIndex:
    """Collects (reference, credit reference, amount) of every line; answers at the end."""

    def __init__(self, directory: str | None = None) -> None:
        self._path = scratch_file("refs", ".db", directory)
        self._db = sqlite3.connect(self._path)
        self._db.executescript(
            """
            PRAGMA journal_mode = OFF;
            PRAGMA synchronous = OFF;
            PRAGMA cache_size = -2048;
            PRAGMA temp_store = FILE;
            CREATE TABLE refs (
                idx INTEGER PRIMARY KEY, src INTEGER, path TEXT, ref TEXT NOT NULL,
                prev TEXT, debit INTEGER NOT NULL, amount INTEGER NOT NULL
            );
            """
        )
        self._pending: list[tuple[object, ...]] = []

    def add(self, row: RefRow) -> None:
        self.add_values(
            row.index, row.source_line, row.path, row.reference, row.previous, row.debit, row.amount
        )

    def add_values(
        self,
        index: int,
        source_line: int | None,
        path: str | None,
        reference: str,
        previous: str | None,
        debit: bool,
        amount: int,
    ) -> None:
        """:meth:`add` without building a :class:`RefRow` (the per-line hot path)."""
        pending = self._pending
        pending.append((index, source_line, path, reference, previous, debit, amount))
        if len(pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany("INSERT INTO refs VALUES (?, ?, ?, ?, ?, ?, ?)", self._pending)
            self._pending.clear()

    def _finish(self) -> None:
        self._flush()
        self._db.execute("CREATE INDEX IF NOT EXISTS refs_ref ON refs (ref, idx)")
        self._db.execute("CREATE INDEX IF NOT EXISTS refs_prev ON refs (prev, idx)")

    def duplicates(self) -> Iterator[Duplicate]:
        """Every line whose reference was used by an earlier line, in line order."""
        self._finish()
        query = """
            SELECT r.idx, r.src, r.path, r.ref, r.prev, r.debit, r.amount, f.idx, f.src
            FROM refs r
            JOIN refs f ON f.ref = r.ref
              AND f.idx = (SELECT MIN(idx) FROM refs m WHERE m.ref = r.ref)
            WHERE r.idx > f.idx
            ORDER BY r.idx
        """
        for row in self._db.execute(query):
            yield Duplicate(_row(row), row[7], row[8])

    def credit_problems(self) -> Iterator[CreditProblem]:
        """Credits that name an earlier line of this message which is not a debit or is
        smaller than the credit (R004, R025); credits of lines outside it are not judged."""
        self._finish()
        query = """
            SELECT c.idx, c.src, c.path, c.ref, c.prev, c.debit, c.amount,
                   (SELECT MAX(d.amount) FROM refs d
                     WHERE d.ref = c.prev AND d.debit = 1 AND d.idx < c.idx) AS debit_amount,
                   EXISTS (SELECT 1 FROM refs o WHERE o.ref = c.prev) AS known,
                   (SELECT SUM(x.amount) FROM refs x
                     WHERE x.debit = 0 AND x.prev = c.prev AND x.idx <= c.idx) AS credited
            FROM refs c
            WHERE c.debit = 0
            ORDER BY c.idx
        """
        for row in self._db.execute(query):
            credit = _row(row)
            debit_amount, known, credited = row[7], row[8], row[9]
            if credit.previous is None or (known and debit_amount is None):
                yield CreditProblem(credit, None)
            elif debit_amount is not None and credited > debit_amount:
                yield CreditProblem(credit, debit_amount, credited)

    def close(self) -> None:
        self._db.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._path)

    def __enter__(self) -> ReferenceIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _row(row: tuple[object, ...]) -> RefRow:
    idx, src, path, ref, prev, debit, amount = row[:7]
    return RefRow(idx, src, path, ref, prev, bool(debit), amount)  # type: ignore[arg-type]
