"""The reference index: rules across lines (R003 unique reference, R004/R025/R035 credits,
R037 one Werkgebied per ResvPlan).

Kept in a temporary SQLite file rather than in memory, so that a message of any size is
checked with flat memory: lines are appended in batches while streaming, and the cross-line
questions are asked once at the end with indexed queries. The rule engine uses the faster
:class:`~resv_edi.rules.ref_partitions.PartitionedIndex`; this index states the questions
as SQL and is the reference a test holds it to.
"""

from __future__ import annotations

import ast
import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache
from operator import attrgetter
from typing import Any

from resv_edi.model.declaratie import Prestatie
from resv_edi.scratch import scratch_file
from resv_edi.standard.facts import facts

_BATCH = 20_000


#: a row's values as stored: index, source line, path, then the :data:`LineValues`; a line of
#: a clean block carries the ``hash`` of its compared values' tuple for their text (the index
#: keeps their text by block: :mod:`~resv_edi.rules.fact_log`), or ``None`` (the same, without
#: a hash: :func:`~resv_edi.rules.ref_blocks.block_rows`)
RowValues = tuple[
    int, int | None, str | None, str, str | None, bool, int, str, str, str | int | None
]


@dataclass(frozen=True, slots=True)
class RefRow:
    index: int  # line number within the message (1-based)
    source_line: int | None
    path: str | None
    reference: str
    previous: str | None
    debit: bool
    amount: int
    plan: str = ""
    region: str = ""
    facts: str = ""  # the elements a credit must repeat, as one text (see :func:`line_values`)


#: the values of a line the index keeps: reference, credited reference (credits only), debit?,
#: amount, ResvPlan, Werkgebied and the repr of the compared elements' values
LineValues = tuple[str, str | None, bool, int, str, str, str]


@cache
def compared_elements() -> tuple[tuple[str, ...], Callable[[Any], tuple[Any, ...]]]:
    """The element names a credit must repeat from its debit (R035), in schema order, and a
    getter of their values from a :class:`Prestatie`."""
    exempt = set(facts().credit_exempt)
    fields = Prestatie.model_fields.items()
    pairs = [(f.alias or n, n) for n, f in fields if (f.alias or n) not in exempt]
    return tuple(e for e, _ in pairs), attrgetter(*(n for _, n in pairs))


def line_values(record: Prestatie) -> LineValues:
    """What the index keeps of one line (the per-line hot path of the engine and the split)."""
    credit = record.debet_credit == "C"
    compared = compared_elements()[1](record)
    return (
        record.referentienummer,
        record.vorig_referentienummer if credit else None,
        not credit,
        record.bedrag,
        record.resv_plan,
        record.werkgebied,
        str(compared),  # the tuple's repr: exact (None is not 'None') and cheap
    )


@dataclass(frozen=True, slots=True)
class CreditDifference:
    """An element in which a credit differs from the debit of the same message it credits."""

    row: RefRow
    element: str
    found: str  # the credit's value ("" when absent)
    expected: str  # the debit's value


@dataclass(frozen=True, slots=True)
class RegionConflict:
    """A line whose Werkgebied differs from the first line with the same ResvPlan."""

    row: RefRow
    first_region: str
    first_index: int
    first_source_line: int | None


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
        import sqlite3  # here: the partitioned index (no SQLite) answers the rules at run time

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
                prev TEXT, debit INTEGER NOT NULL, amount INTEGER NOT NULL,
                plan TEXT NOT NULL, region TEXT NOT NULL, facts TEXT NOT NULL
            );
            """
        )
        self._pending: list[tuple[object, ...]] = []

    def add(self, row: RefRow) -> None:
        self.add_values(
            row.index,
            row.source_line,
            row.path,
            (row.reference, row.previous, row.debit, row.amount, row.plan, row.region, row.facts),
        )

    def add_values(
        self, index: int, source_line: int | None, path: str | None, values: LineValues
    ) -> None:
        """:meth:`add` without building a :class:`RefRow` (the per-line hot path); ``values``
        from :func:`line_values`."""
        pending = self._pending
        pending.append((index, source_line, path, *values))
        if len(pending) >= _BATCH:
            self._flush()

    def add_rows(self, rows: list[RowValues]) -> None:
        """:meth:`add_values` for many rows at once, each as its values in that order."""
        pending = self._pending
        pending.extend(rows)
        if len(pending) >= _BATCH:
            self._flush()

    def _flush(self) -> None:
        if self._pending:
            self._db.executemany(
                "INSERT INTO refs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", self._pending
            )
            self._pending.clear()

    def _finish(self) -> None:
        self._flush()
        self._db.execute("CREATE INDEX IF NOT EXISTS refs_ref ON refs (ref, idx)")
        self._db.execute("CREATE INDEX IF NOT EXISTS refs_prev ON refs (prev, idx)")
        self._db.execute("CREATE INDEX IF NOT EXISTS refs_plan ON refs (plan, idx)")

    def duplicates(self) -> Iterator[Duplicate]:
        """Every line whose reference was used by an earlier line, in line order."""
        self._finish()
        # one pass in (ref, idx) order: each line sees the first line of its reference
        query = """
            SELECT idx, src, path, ref, prev, debit, amount, plan, region, facts,
                   first_idx, first_src
            FROM (
                SELECT *, FIRST_VALUE(idx) OVER w AS first_idx, FIRST_VALUE(src) OVER w AS first_src
                FROM refs WINDOW w AS (PARTITION BY ref ORDER BY idx)
            )
            WHERE idx > first_idx
            ORDER BY idx
        """
        for row in self._db.execute(query):
            yield Duplicate(_row(row), row[10], row[11])

    def credit_problems(self) -> Iterator[CreditProblem]:
        """Credits that name an earlier line of this message which is not a debit or is
        smaller than the credit (R004, R025); credits of lines outside it are not judged."""
        self._finish()
        # One pass in (debit reference, idx) order: a debit and the credits that name it
        # share a key; running MAX and SUM give, at each credit, the largest earlier debit of
        # that reference and the credits so far (per-credit subqueries were quadratic when
        # one debit has many credits, or one reference many lines).
        query = """
            SELECT idx, src, path, ref, prev, debit, amount, plan, region, facts,
                   debit_amount,
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
            debit_amount, known, credited = row[10], row[11], row[12]
            if credit.previous is None or (known and debit_amount is None):
                yield CreditProblem(credit, None)
            elif debit_amount is not None and credited > debit_amount:
                yield CreditProblem(credit, debit_amount, credited)

    def credit_differences(self) -> Iterator[CreditDifference]:
        """Every element (R035) in which a credit differs from the debit it credits, when that
        debit is an earlier line of this message; in line order, then schema order."""
        self._finish()
        query = """
            SELECT c.idx, c.src, c.path, c.ref, c.prev, c.debit, c.amount, c.plan, c.region,
                   c.facts, d.facts
            FROM refs c
            JOIN refs d ON d.idx = (SELECT MAX(x.idx) FROM refs x
                                     WHERE x.ref = c.prev AND x.debit = 1 AND x.idx < c.idx)
            WHERE c.debit = 0 AND c.facts != d.facts
            ORDER BY c.idx
        """
        names = compared_elements()[0]
        for row in self._db.execute(query):
            credit = _row(row)
            found, expected = shown_values(credit.facts), shown_values(str(row[10]))
            for name, mine, theirs in zip(names, found, expected, strict=True):
                if mine != theirs:
                    yield CreditDifference(credit, name, mine, theirs)

    def region_conflicts(self) -> Iterator[RegionConflict]:
        """Every line (R037) whose Werkgebied differs from the first line of the message with
        the same ResvPlan, in line order."""
        self._finish()
        query = """
            SELECT r.idx, r.src, r.path, r.ref, r.prev, r.debit, r.amount, r.plan, r.region,
                   r.facts, f.region, f.idx, f.src
            FROM refs r
            JOIN refs f ON f.idx = (SELECT MIN(m.idx) FROM refs m WHERE m.plan = r.plan)
            WHERE r.region != f.region
            ORDER BY r.idx
        """
        for row in self._db.execute(query):
            yield RegionConflict(_row(row), row[10], row[11], row[12])

    def close(self) -> None:
        self._db.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._path)

    def __enter__(self) -> ReferenceIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _row(row: tuple[object, ...]) -> RefRow:
    idx, src, path, ref, prev, debit, amount, plan, region, joined = row[:10]
    return RefRow(idx, src, path, ref, prev, bool(debit), amount, plan, region, joined)  # type: ignore[arg-type]


def shown_values(text: str) -> list[str]:
    """The values of a stored ``str(tuple)`` of compared elements as shown in a message:
    texts as they are, numbers and dates (``datetime.date(2027, 1, 31)``) as written in XML,
    an absent element as ``""``. Only literals and ``datetime.date`` calls are read."""
    node = ast.parse(text, mode="eval").body
    assert isinstance(node, ast.Tuple)
    shown: list[str] = []
    for item in node.elts:
        if isinstance(item, ast.Constant):
            shown.append("" if item.value is None else str(item.value))
        elif isinstance(item, ast.Call) and len(item.args) == 3:
            year, month, day = (int(ast.literal_eval(a)) for a in item.args)  # literals only
            shown.append(date(year, month, day).isoformat())
        else:
            raise ValueError("unexpected value in the reference index")
    return shown
