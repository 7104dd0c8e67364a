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
        # one pass in (ref, idx) order: each line sees the first line of its reference
        query = """
            SELECT idx, src, path, ref, prev, debit, amount, first_idx, first_src FROM (
                SELECT *, FIRST_VALUE(idx) OVER w AS first_idx, FIRST_VALUE(src) OVER w AS first_src
                FROM refs WINDOW w AS (PARTITION BY ref ORDER BY idx)
            )
            WHERE idx > first_idx
            ORDER BY idx
        """
        for row in self._db.execute(query):
            yield Duplicate(_row(row), row[7], row[8])

    def credit_problems(self) -> Iterator[CreditProblem]:
        """Credits that name an earlier line of this message which is not a debit or is
        smaller than the credit (R004, R025); credits of lines outside it are not judged."""
        self._finish()
        # One pass in (debit reference, idx) order: a debit and the credits that name it
        # share a key; running MAX and SUM give, at each credit, the largest earlier debit of
        # that reference and the credits so far (per-credit subqueries were quadratic when
        # one debit has many credits, or one reference many lines).
        query = """
            SELECT idx, src, path, ref, prev, debit, amount, debit_amount,
                   EXISTS (SELECT 1 FROM refs o WHERE o.ref = running.prev) AS known, credited
            FROM (
                SELECT *,
                       MAX(CASE WHEN debit = 1 THEN amount END) OVER w AS debit_amount,
                       SUM(CASE WHEN debit = 0 THEN amount ELSE 0 END) OVER w AS credited
                FROM (SELECT *, CASE WHEN debit = 1 THEN ref ELSE prev END AS k FROM refs)
                WINDOW w AS (PARTITION BY k ORDER BY idx ROWS UNBOUNDED PRECEDING)
            ) AS running
            WHERE debit = 0
            ORDER BY idx
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
